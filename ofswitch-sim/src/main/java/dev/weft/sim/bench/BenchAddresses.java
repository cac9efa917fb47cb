package dev.weft.sim.bench;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The addresses a simulated switch uses, laid out like cbench's: every probe goes from one of
 * the switch's M source MACs on port 1 to one destination MAC that the switch announces on
 * port 2 before the test (so that a learning switch can answer with a flow-mod).
 */
final class BenchAddresses {

    /** Port the probes arrive on. */
    static final OFPort PROBE_IN_PORT = OFPort.of(1);
    /** Port the destination host announces itself on (gratuitous ARP). */
    static final OFPort DESTINATION_PORT = OFPort.of(2);
    /** Number of ports a simulated switch reports. */
    static final int PORTS = 4;

    /** Byte offset, inside a source MAC, of the 32-bit MAC index. */
    static final int SOURCE_MAC_INDEX_OFFSET = 1;

    private BenchAddresses() {
    }

    /** Destination of every probe: {@code 80:00:00:xx:xx:xx} with the low bytes of the dpid (cbench: 80:00:00:00:00:id). */
    static MacAddress destinationMac(DatapathId dpid) {
        long low = dpid.getLong() & 0xFF_FFFFL;
        return MacAddress.of(0x8000_0000_0000L | low);
    }

    /** IP the destination host announces: 192.168.x.40, as cbench. */
    static IPv4Address destinationIp(DatapathId dpid) {
        return IPv4Address.of(192, 168, (int) (dpid.getLong() & 0xFF), 40);
    }

    /**
     * Source MAC number {@code index} (0..M-1) of a switch: {@code hh:ii:ii:ii:ii:dd}, the index
     * big-endian in bytes 1..4, the dpid's low byte last (cbench: same bytes, index
     * little-endian) and, in byte 0, the dpid's next seven bits shifted past the group bit. cbench
     * has 0 there, so two switches 256 apart send from the same MACs and a controller sees every
     * one of them move from switch to switch; here the MACs of switches with datapath ids below
     * {@link #DISTINCT_DPIDS} are distinct (and byte 0 is still 0, cbench's, below 256).
     */
    static MacAddress sourceMac(DatapathId dpid, int index) {
        long high = ((dpid.getLong() >>> 8) & 0x7F) << 1; // bit 0 of byte 0 is the group bit: clear
        long value = (high << 40) | ((index & 0xFFFF_FFFFL) << 8) | (dpid.getLong() & 0xFF);
        return MacAddress.of(value);
    }

    /** Datapath ids below this have source MACs no other switch of a run uses. */
    static final long DISTINCT_DPIDS = 1L << 15;

    static MacAddress portMac(DatapathId dpid, int port) {
        return MacAddress.of(0x0200_0000_0000L | ((dpid.getLong() & 0xFF_FFFFL) << 8) | (port & 0xFF));
    }
}
