package dev.weft.sim.net;

/** A topology spec or file that cannot be built; the message names the problem (and line). */
public final class TopologyException extends IllegalArgumentException {
    public TopologyException(String message) {
        super(message);
    }
}
