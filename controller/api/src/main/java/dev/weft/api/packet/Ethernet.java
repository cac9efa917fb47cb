package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

import java.util.Objects;
import java.util.Optional;

/**
 * The headers of an Ethernet frame: addresses, the outer 802.1Q/802.1ad VLAN if any, the
 * EtherType after every VLAN tag, and the ARP or IPv4 header when the frame carries one.
 *
 * <p>A frame is data from the network, and any host can send anything: {@link #parse(byte[])}
 * never throws. What parses is given to apps; what does not (a truncated tag stack or header, an
 * IPv4 header with a bad version or length, an ARP for another hardware type) is left absent and
 * named in {@link #unparsed()}, so the core can count such frames.
 *
 * @param payloadOffset where the payload after the last VLAN tag and the EtherType starts
 * @param unparsed      what part of the frame could not be parsed, if any (a fixed phrase)
 */
public record Ethernet(MacAddress dst, MacAddress src, Optional<VlanVid> vlan, EthType ethType,
                       int payloadOffset, Optional<Arp> arp, Optional<Ipv4> ipv4, Optional<String> unparsed) {

    /** The Ethernet header without FCS: two addresses and a type. */
    public static final int HEADER_LENGTH = 14;
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_ARP = 0x0806;

    private static final Optional<String> TRUNCATED_TAG = Optional.of("VLAN tag truncated");
    private static final Optional<String> BAD_IPV4 = Optional.of("IPv4 header malformed or truncated");
    private static final Optional<String> IPV4_OPTIONS_CUT = Optional.of("IPv4 options truncated");
    private static final Optional<String> BAD_ARP = Optional.of("ARP not IPv4-over-Ethernet or truncated");

    public Ethernet {
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(vlan, "vlan");
        Objects.requireNonNull(ethType, "ethType");
        Objects.requireNonNull(arp, "arp");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(unparsed, "unparsed");
    }

    /**
     * Parse the headers of {@code frame}; empty when it is shorter than an Ethernet header (such a
     * packet carries nothing an app could act on). Never throws, whatever the bytes.
     */
    public static Optional<Ethernet> parse(byte[] frame) {
        if (frame == null || frame.length < HEADER_LENGTH) {
            return Optional.empty();
        }
        MacAddress dst = MacAddress.of(readMac(frame, 0));
        MacAddress src = MacAddress.of(readMac(frame, 6));
        int offset = 12;
        int type = readU16(frame, offset);
        Optional<VlanVid> vlan = Optional.empty();
        Optional<String> unparsed = Optional.empty();
        // A stack of any depth (802.1ad outer, 802.1Q inner, QinQ with the old 0x9100): report the
        // outer VID, skip the rest. The frame's length bounds the loop.
        while (isTag(type)) {
            if (frame.length < offset + 6) {
                unparsed = TRUNCATED_TAG;
                break;
            }
            if (vlan.isEmpty()) {
                vlan = Optional.of(VlanVid.ofVlan(readU16(frame, offset + 2) & 0x0fff));
            }
            offset += 4;
            type = readU16(frame, offset);
        }
        int payload = offset + 2;
        Optional<Arp> arp = Optional.empty();
        Optional<Ipv4> ipv4 = Optional.empty();
        if (unparsed.isEmpty()) {
            if (type == ETH_ARP) {
                arp = Arp.parse(frame, payload);
                unparsed = arp.isEmpty() ? BAD_ARP : unparsed;
            } else if (type == ETH_IPV4) {
                ipv4 = Ipv4.parse(frame, payload);
                if (ipv4.isEmpty()) {
                    unparsed = BAD_IPV4;
                } else if (frame.length < payload + ipv4.get().headerLength()) {
                    unparsed = IPV4_OPTIONS_CUT;
                }
            }
        }
        return Optional.of(new Ethernet(dst, src, vlan, EthType.of(type), payload, arp, ipv4, unparsed));
    }

    private static boolean isTag(int type) {
        return type == 0x8100 || type == 0x88a8 || type == 0x9100;
    }

    public boolean isBroadcast() {
        return dst.isBroadcast();
    }

    /** Broadcast or multicast destination (the group bit is set). */
    public boolean isMulticast() {
        return isGroup(dst);
    }

    /**
     * Whether {@code mac} is a group address, broadcast included (the I/G bit, the lowest bit of
     * the first byte). Loxi's {@code MacAddress.isMulticast()} is false for broadcast: a source
     * check with it let a host send from ff:ff:ff:ff:ff:ff, and a learning switch then sent every
     * broadcast of its switch (ARP) to that host's port alone.
     */
    public static boolean isGroup(MacAddress mac) {
        return (mac.getLong() & 0x0100_0000_0000L) != 0;
    }

    static long readMac(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static int readU16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static int readS32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
