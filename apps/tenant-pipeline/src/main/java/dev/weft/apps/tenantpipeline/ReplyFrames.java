package dev.weft.apps.tenantpipeline;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The frames the controller answers with on a VM's hypervisor (ICMP errors from a router, DHCP
 * replies): Ethernet + IPv4 with correct checksums, built straight into one array.
 */
public final class ReplyFrames {
    public static final int ETH = 14;
    public static final int IPV4 = 20;
    public static final int UDP = 8;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_UDP = 17;
    public static final int DEFAULT_TTL = 64;

    private ReplyFrames() {
    }

    /** An Ethernet frame carrying an IPv4 packet (no options, DF clear) with {@code payload}. */
    public static byte[] ipv4(MacAddress dst, MacAddress src, IPv4Address from, IPv4Address to, int protocol,
                              byte[] payload) {
        byte[] f = new byte[ETH + IPV4 + payload.length];
        putMac(f, 0, dst);
        putMac(f, 6, src);
        f[12] = 0x08;
        f[13] = 0x00;
        int ip = ETH;
        f[ip] = 0x45;
        put16(f, ip + 2, IPV4 + payload.length);
        f[ip + 8] = (byte) DEFAULT_TTL;
        f[ip + 9] = (byte) protocol;
        put32(f, ip + 12, from.getInt());
        put32(f, ip + 16, to.getInt());
        put16(f, ip + 10, checksum(f, ip, IPV4, 0));
        System.arraycopy(payload, 0, f, ETH + IPV4, payload.length);
        return f;
    }

    /**
     * An ICMP error (destination unreachable: type 3, time exceeded: type 11) about {@code original}
     * (the offending packet's IPv4 header and the first 8 bytes of its payload, as RFC 792 asks).
     */
    public static byte[] icmpError(MacAddress dst, MacAddress src, IPv4Address from, IPv4Address to, int type,
                                   int code, byte[] frame, int ipOffset) {
        int ihl = (frame[ipOffset] & 0x0f) * 4;
        int quoted = Math.min(frame.length - ipOffset, Math.min(ihl + 8, u16(frame, ipOffset + 2)));
        byte[] icmp = new byte[8 + Math.max(0, quoted)];
        icmp[0] = (byte) type;
        icmp[1] = (byte) code;
        System.arraycopy(frame, ipOffset, icmp, 8, Math.max(0, quoted));
        put16(icmp, 2, checksum(icmp, 0, icmp.length, 0));
        return ipv4(dst, src, from, to, PROTO_ICMP, icmp);
    }

    /** A UDP datagram (with its checksum) in an IPv4 packet in an Ethernet frame. */
    public static byte[] udp(MacAddress dst, MacAddress src, IPv4Address from, IPv4Address to, int srcPort,
                             int dstPort, byte[] data) {
        byte[] u = new byte[UDP + data.length];
        put16(u, 0, srcPort);
        put16(u, 2, dstPort);
        put16(u, 4, u.length);
        System.arraycopy(data, 0, u, UDP, data.length);
        long pseudo = (from.getInt() >>> 16) + (from.getInt() & 0xffff) + (to.getInt() >>> 16) + (to.getInt() & 0xffff)
                + PROTO_UDP + u.length;
        int c = checksum(u, 0, u.length, pseudo);
        put16(u, 6, c == 0 ? 0xffff : c);
        return ipv4(dst, src, from, to, PROTO_UDP, u);
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes, with {@code initial} added to the sum. */
    public static int checksum(byte[] b, int off, int len, long initial) {
        long sum = initial;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < off + len) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putMac(byte[] b, int off, MacAddress m) {
        byte[] a = m.getBytes();
        System.arraycopy(a, 0, b, off, 6);
    }
}
