package dev.weft.core.config;

import java.util.Optional;

/**
 * The tenant configuration shared by the instances of a cluster (tenants, transport nodes,
 * external networks, VLAN gateways), kept outside this process with a version: writes are
 * compare-and-set against the version they started from, so that of two writes racing on two
 * instances exactly one lands on a given version, and every instance applies the same versions in
 * the same order. The cluster module keeps it in ZooKeeper; a single instance has none and keeps
 * its config in its file only.
 */
public interface SharedConfig {

    /** A shared document (YAML with only the shared sections) and its version. */
    record Versioned(String text, long version) {
    }

    /** Thrown when the shared config cannot be read or written now (ZooKeeper unreachable): nothing changed. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    /** How a reload's refusal begins when the shared config cannot be reached (an API answers 503). */
    String UNAVAILABLE = "the cluster's shared config is unreachable";
    /** How a reload's refusal begins when another instance published a newer version first (409). */
    String STALE = "the cluster's shared config moved on";

    /** Where it lives, for messages ({@code zookeeper:/weft/config}). */
    String where();

    /** The current shared document, as the coordination service has it now. Throws {@link Unavailable}. */
    Versioned read();

    /**
     * Replace {@code base} by {@code text} (already validated as {@code parsed}) and put it in force
     * here before returning. Empty when another write came first ({@code base} is no longer the
     * current version: read again). Throws {@link Unavailable}.
     */
    Optional<ReloadResult> replace(Versioned base, String text, WeftConfig parsed);

    /**
     * A reload of this instance's config file (already validated as {@code parsed}): publish its
     * shared sections as the next version when they differ from the version in force here.
     */
    ReloadResult publish(String fileText, WeftConfig parsed);

    /** The shared sections of a whole config file, as a document of their own (what {@link #read} holds). */
    static String sharedPart(String fileText) {
        return SharedSections.extract(fileText);
    }
}
