package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

import java.util.Objects;
import java.util.Optional;

/**
 * The headers of an Ethernet frame: addresses, the outer 802.1Q/802.1ad VLAN if any, the
 * EtherType after the VLAN tags, and the ARP or IPv4 header when the frame carries one that
 * parses. {@link #parse(byte[])} never throws: what cannot be parsed is simply absent.
 */
public record Ethernet(MacAddress dst, MacAddress src, Optional<VlanVid> vlan, EthType ethType,
                       int payloadOffset, Optional<Arp> arp, Optional<Ipv4> ipv4) {

    /** The Ethernet header without FCS: two addresses and a type. */
    public static final int HEADER_LENGTH = 14;

    public Ethernet {
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(vlan, "vlan");
        Objects.requireNonNull(ethType, "ethType");
        Objects.requireNonNull(arp, "arp");
        Objects.requireNonNull(ipv4, "ipv4");
    }

    /**
     * Parse the headers of {@code frame}; empty when it is shorter than an Ethernet header (such a
     * packet carries nothing an app could act on).
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
        // Up to two tags (802.1ad outer + 802.1Q inner); we report the outer one.
        for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8) && frame.length >= offset + 6; tags++) {
            if (vlan.isEmpty()) {
                vlan = Optional.of(VlanVid.ofVlan(readU16(frame, offset + 2) & 0x0fff));
            }
            offset += 4;
            type = readU16(frame, offset);
        }
        int payload = offset + 2;
        EthType ethType = EthType.of(type);
        Optional<Arp> arp = type == 0x0806 ? Arp.parse(frame, payload) : Optional.empty();
        Optional<Ipv4> ipv4 = type == 0x0800 ? Ipv4.parse(frame, payload) : Optional.empty();
        return Optional.of(new Ethernet(dst, src, vlan, ethType, payload, arp, ipv4));
    }

    public boolean isBroadcast() {
        return dst.isBroadcast();
    }

    /** Broadcast or multicast destination (the group bit is set). */
    public boolean isMulticast() {
        return dst.isMulticast();
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
