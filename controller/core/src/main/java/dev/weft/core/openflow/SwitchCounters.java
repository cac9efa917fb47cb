package dev.weft.core.openflow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one switch connection has done: PACKET_INs received, FLOW_MODs sent, ERRORs received.
 * Written on the connection's lane only (one writer: a plain increment published with an opaque
 * store, no lock, no allocation, no contended cache line), read from any thread (the metrics
 * exporter) with an opaque load, which sees every count sooner or later and never a torn one.
 */
public final class SwitchCounters {
    private static final VarHandle PACKET_INS;
    private static final VarHandle FLOW_MODS;
    private static final VarHandle ERRORS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PACKET_INS = l.findVarHandle(SwitchCounters.class, "packetIns", long.class);
            FLOW_MODS = l.findVarHandle(SwitchCounters.class, "flowMods", long.class);
            ERRORS = l.findVarHandle(SwitchCounters.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long packetIns;
    private long flowMods;
    private long errors;

    /** Lane only. */
    void packetIn() {
        PACKET_INS.setOpaque(this, packetIns + 1);
    }

    /** Lane only. */
    void flowMod() {
        FLOW_MODS.setOpaque(this, flowMods + 1);
    }

    /** Lane only. */
    void error() {
        ERRORS.setOpaque(this, errors + 1);
    }

    public long packetIns() {
        return (long) PACKET_INS.getOpaque(this);
    }

    public long flowMods() {
        return (long) FLOW_MODS.getOpaque(this);
    }

    public long errors() {
        return (long) ERRORS.getOpaque(this);
    }
}
