package dev.weft.api.topology;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Comparator;
import java.util.Objects;

/** A port of a switch: where a link ends or a host is attached. */
public record SwitchPort(DatapathId dpid, OFPort port) implements Comparable<SwitchPort> {
    private static final Comparator<SwitchPort> ORDER = Comparator.comparing(SwitchPort::dpid)
            .thenComparing((a, b) -> Integer.compareUnsigned(a.port().getPortNumber(), b.port().getPortNumber()));

    public SwitchPort {
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(port, "port");
    }

    public static SwitchPort of(long dpid, int port) {
        return new SwitchPort(DatapathId.of(dpid), OFPort.of(port));
    }

    /** Whether this is a numbered port of the switch (not LOCAL, CONTROLLER, FLOOD or another reserved port). */
    public static boolean isPhysical(OFPort port) {
        return port.getPortNumber() != 0
                && Integer.compareUnsigned(port.getPortNumber(), OFPort.MAX.getPortNumber()) <= 0;
    }

    @Override
    public int compareTo(SwitchPort o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return dpid + "/" + port;
    }
}
