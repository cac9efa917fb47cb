package dev.weft.core.app;

/** The enabled apps cannot be loaded or started; the message says which and why. */
public final class AppLoadException extends RuntimeException {
    public AppLoadException(String message) {
        super(message);
    }

    public AppLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
