package dev.weft.ovsdb.rpc;

/**
 * An OVSDB request failed: the server answered with an error (its {@link #error() error} and
 * {@link #details() details}, RFC 7047 section 3.1), the connection closed before the answer, or
 * no answer came in time.
 */
public final class OvsdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String error;
    private final String details;

    public OvsdbException(String error, String details) {
        super(details == null || details.isEmpty() ? error : error + ": " + details);
        this.error = error;
        this.details = details == null ? "" : details;
    }

    /** The error's short name ({@code constraint violation}, {@code connection closed}, ...). */
    public String error() {
        return error;
    }

    public String details() {
        return details;
    }
}
