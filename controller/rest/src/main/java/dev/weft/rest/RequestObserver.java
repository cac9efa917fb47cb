package dev.weft.rest;

/**
 * Told of every request the server answers (for metrics), on the HTTP thread or the thread that
 * completed the answer; it must return at once.
 */
@FunctionalInterface
public interface RequestObserver {
    /** The route of a request that matched none (404, 405) or was refused before routing (401, 400). */
    String UNMATCHED = "(none)";

    RequestObserver NONE = (method, route, status, nanos) -> { };

    /**
     * @param route  the route's path template ({@code /api/v1/tenants/{tenant}}), or {@link #UNMATCHED}
     * @param status the HTTP status answered
     * @param nanos  from the request's arrival to its answer being handed to the connection
     */
    void answered(String method, String route, int status, long nanos);
}
