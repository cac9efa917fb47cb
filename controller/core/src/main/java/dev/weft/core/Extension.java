package dev.weft.core;

/**
 * Something that runs beside the controller and is not an app: a northbound API, a management
 * client, an exporter. Extensions start after the apps and the OpenFlow listeners (they see a
 * fully started controller) and stop before them, in reverse order. They live in their own
 * modules (the REST API in {@code weft-rest}); the core knows only this interface.
 */
public interface Extension extends AutoCloseable {

    /** A short name for logs ({@code rest}, {@code ovsdb}). */
    String name();

    /**
     * Start; throw {@link IllegalStateException} with a sentence for the user when it cannot
     * (the controller then stops and the launcher exits with 1).
     */
    void start(Controller controller);

    @Override
    void close();
}
