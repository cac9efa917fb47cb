package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.Objects;
import java.util.Optional;

/** An ARP packet for IPv4 over Ethernet (the only kind parsed). */
public record Arp(ArpOpcode op, MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac,
                  IPv4Address targetIp) {
    public static final int LENGTH = 28;

    public Arp {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(senderMac, "senderMac");
        Objects.requireNonNull(senderIp, "senderIp");
        Objects.requireNonNull(targetMac, "targetMac");
        Objects.requireNonNull(targetIp, "targetIp");
    }

    static Optional<Arp> parse(byte[] b, int off) {
        if (b.length < off + LENGTH) {
            return Optional.empty();
        }
        int htype = Ethernet.readU16(b, off);
        int ptype = Ethernet.readU16(b, off + 2);
        if (htype != 1 || ptype != 0x0800 || (b[off + 4] & 0xff) != 6 || (b[off + 5] & 0xff) != 4) {
            return Optional.empty();
        }
        return Optional.of(new Arp(
                ArpOpcode.of(Ethernet.readU16(b, off + 6)),
                MacAddress.of(Ethernet.readMac(b, off + 8)),
                IPv4Address.of(Ethernet.readS32(b, off + 14)),
                MacAddress.of(Ethernet.readMac(b, off + 18)),
                IPv4Address.of(Ethernet.readS32(b, off + 24))));
    }

    /** A gratuitous ARP announces the sender's own address (sender IP equals target IP). */
    public boolean isGratuitous() {
        return senderIp.equals(targetIp);
    }
}
