package dev.weft.fakes;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.ByteBuffer;

/** Ethernet frames for tests: ARP, IPv4/ICMP echo, VLAN tags, raw frames. */
public final class Frames {
    public static final int ETH_ARP = 0x0806;
    public static final int ETH_IPV4 = 0x0800;

    private Frames() {
    }

    /** An untagged frame with {@code payload} (padded to the 60-byte Ethernet minimum). */
    public static byte[] ethernet(MacAddress dst, MacAddress src, int ethType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) ethType).put(payload);
        return b.array();
    }

    /** The same frame with an 802.1Q tag inserted after the addresses. */
    public static byte[] tagged(byte[] frame, int vlan) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) (vlan & 0x0fff)).put(frame, 12, frame.length - 12);
        return b.array();
    }

    public static byte[] arpRequest(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp) {
        return ethernet(MacAddress.BROADCAST, senderMac, ETH_ARP,
                arp(1, senderMac, senderIp, MacAddress.NONE, targetIp));
    }

    public static byte[] arpReply(MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac, IPv4Address targetIp) {
        return ethernet(targetMac, senderMac, ETH_ARP, arp(2, senderMac, senderIp, targetMac, targetIp));
    }

    /** A gratuitous ARP (request form): the sender announces its own address. */
    public static byte[] gratuitousArp(MacAddress mac, IPv4Address ip) {
        return ethernet(MacAddress.BROADCAST, mac, ETH_ARP, arp(1, mac, ip, MacAddress.NONE, ip));
    }

    public static byte[] arp(int op, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op)
                .put(sha.getBytes()).putInt(spa.getInt()).put(tha.getBytes()).putInt(tpa.getInt());
        return b.array();
    }

    /** An ICMP echo request from {@code src} to {@code dst}. */
    public static byte[] icmpEcho(MacAddress srcMac, IPv4Address src, MacAddress dstMac, IPv4Address dst, int seq) {
        ByteBuffer icmp = ByteBuffer.allocate(8 + 16);
        icmp.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x1234).putShort((short) seq);
        for (int i = 0; i < 16; i++) {
            icmp.put((byte) i);
        }
        icmp.putShort(2, checksum(icmp.array(), 0, icmp.capacity()));
        return ethernet(dstMac, srcMac, ETH_IPV4, ipv4(src, dst, 1, icmp.array()));
    }

    public static byte[] ipv4(IPv4Address src, IPv4Address dst, int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .putInt(src.getInt()).putInt(dst.getInt());
        b.putShort(10, checksum(b.array(), 0, 20));
        b.position(20);
        b.put(payload);
        return b.array();
    }

    static short checksum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = off; i < off + len - 1; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if ((len & 1) == 1) {
            sum += (data[off + len - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
