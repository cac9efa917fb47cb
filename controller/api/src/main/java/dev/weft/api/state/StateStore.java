package dev.weft.api.state;

/**
 * Small state that must outlive the process: migration history, counters, usage. Each owner
 * opens its own named {@link Journal}. Obtain it with {@code ctx.service(StateStore.class)}; it
 * is always there, and {@link #durable()} says whether what is written survives a restart
 * (the config file names a state directory: {@code controller: state-dir:}) or is kept in
 * memory only.
 */
public interface StateStore {

    /**
     * The journal {@code name} (lower-case letters, digits and '-'), with what it held when the
     * controller started. A name is opened once per controller.
     */
    Journal open(String name);

    /** Whether journals are written to disk (and survive a restart, a {@code kill -9} included). */
    boolean durable();
}
