package dev.weft.sim.datapath;

import java.util.EnumSet;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** One port of a simulated switch: identity, state, config and counters. Loop-thread only. */
public final class SimPort {
    private final OFPort number;
    private final String name;
    private final MacAddress hwAddr;
    private final EnumSet<OFPortConfig> config = EnumSet.noneOf(OFPortConfig.class);
    private boolean linkDown;
    long rxPackets;
    long txPackets;
    long rxBytes;
    long txBytes;
    long rxDropped;
    long txDropped;
    final long createdNanos;

    SimPort(OFPort number, String name, MacAddress hwAddr, long nowNanos) {
        this.number = number;
        this.name = name;
        this.hwAddr = hwAddr;
        this.createdNanos = nowNanos;
    }

    public OFPort number() {
        return number;
    }

    public String name() {
        return name;
    }

    public MacAddress hwAddr() {
        return hwAddr;
    }

    public boolean linkDown() {
        return linkDown;
    }

    void setLinkDown(boolean down) {
        this.linkDown = down;
    }

    public Set<OFPortConfig> config() {
        return EnumSet.copyOf(config);
    }

    void setConfig(Set<OFPortConfig> newConfig) {
        config.clear();
        config.addAll(newConfig);
    }

    boolean has(OFPortConfig c) {
        return config.contains(c);
    }

    /** Frames can enter and leave: link up and not administratively down. */
    public boolean isUp() {
        return !linkDown && !config.contains(OFPortConfig.PORT_DOWN);
    }

    public Set<OFPortState> state() {
        Set<OFPortState> s = EnumSet.noneOf(OFPortState.class);
        if (linkDown) {
            s.add(OFPortState.LINK_DOWN);
        }
        return s;
    }

    public PortCounters counters() {
        return new PortCounters(rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped);
    }

    @Override
    public String toString() {
        return name + "(" + number + (isUp() ? "" : ",down") + ")";
    }
}
