package dev.weft.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request that cannot be served, with the HTTP status that says why and a sentence; answered as
 * {@code {"error": CODE, "message": ..., "field": ...}}.
 *
 * @see Reply#error(ApiException)
 */
public final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;
    private final String field;

    public ApiException(HttpResponseStatus status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request", message, null);
    }

    public static ApiException invalid(String message, String field) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid", message, field);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "not-found", message, null);
    }

    public static ApiException conflict(String message, String field) {
        return new ApiException(HttpResponseStatus.CONFLICT, "conflict", message, field);
    }

    /** A feature this controller does not have (an app that provides it is not enabled). */
    public static ApiException notAvailable(String message) {
        return new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "not-available", "not available: " + message, null);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The field of the request (or path in the config file) at fault, or null. */
    public String field() {
        return field;
    }
}
