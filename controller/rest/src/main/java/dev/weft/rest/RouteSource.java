package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;

import java.util.List;
import java.util.Optional;

/**
 * More routes for the API's HTTP server, from another module (the console: its page, metrics,
 * health, usage). Given to {@link RestEndpoint}; asked for its routes once the controller runs.
 */
public interface RouteSource {

    /** The routes to serve beside the API's own; a path the API serves already is an error. */
    List<Route> routes(Controller controller);

    /**
     * The OpenAPI description of those under {@code /api/v1} ({@code paths} and
     * {@code components}), merged into the document the API serves.
     */
    default Optional<JsonNode> openApi() {
        return Optional.empty();
    }

    /** Told of every request answered (for metrics). */
    default RequestObserver observer() {
        return RequestObserver.NONE;
    }
}
