package dev.weft.apps.dhcp;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A DHCP message (RFC 2131 over BOOTP, RFC 951): what a request says, and the replies built from
 * it. Parsing never throws: a message that is not a well-formed Ethernet BOOTREQUEST is empty.
 */
record DhcpMessage(int type, long xid, int flags, IPv4Address ciaddr, MacAddress chaddr,
                   Optional<IPv4Address> requested, Optional<IPv4Address> serverId) {
    static final int DISCOVER = 1;
    static final int OFFER = 2;
    static final int REQUEST = 3;
    static final int DECLINE = 4;
    static final int ACK = 5;
    static final int NAK = 6;
    static final int RELEASE = 7;
    static final int INFORM = 8;
    static final int BROADCAST_FLAG = 0x8000;
    static final int OPTIONS = 240;
    private static final int MAGIC = 0x63825363;
    /** BOOTP's smallest message; some clients drop shorter ones. */
    static final int MIN_LENGTH = 300;

    /** The request in a UDP payload ({@code off}: where the BOOTP message starts). */
    static Optional<DhcpMessage> parse(byte[] b, int off) {
        if (b.length < off + OPTIONS + 3 || (b[off] & 0xff) != 1 || (b[off + 1] & 0xff) != 1
                || (b[off + 2] & 0xff) != 6 || i32(b, off + 236) != MAGIC) {
            return Optional.empty();
        }
        long xid = i32(b, off + 4) & 0xffffffffL;
        int flags = u16(b, off + 10);
        IPv4Address ciaddr = IPv4Address.of(i32(b, off + 12));
        MacAddress chaddr = MacAddress.of(java.util.Arrays.copyOfRange(b, off + 28, off + 34));
        int type = -1;
        IPv4Address requested = null;
        IPv4Address server = null;
        int i = off + OPTIONS;
        while (i < b.length) {
            int code = b[i] & 0xff;
            if (code == 255) {
                break;
            }
            if (code == 0) {
                i++;
                continue;
            }
            if (i + 1 >= b.length) {
                return Optional.empty();
            }
            int len = b[i + 1] & 0xff;
            int v = i + 2;
            if (v + len > b.length) {
                return Optional.empty();
            }
            if (code == 53 && len == 1) {
                type = b[v] & 0xff;
            } else if (code == 50 && len == 4) {
                requested = IPv4Address.of(i32(b, v));
            } else if (code == 54 && len == 4) {
                server = IPv4Address.of(i32(b, v));
            }
            i = v + len;
        }
        if (type < DISCOVER || type > INFORM) {
            return Optional.empty();
        }
        return Optional.of(new DhcpMessage(type, xid, flags, ciaddr, chaddr, Optional.ofNullable(requested),
                Optional.ofNullable(server)));
    }

    /** What a reply offers: the client's address and the network's settings. */
    record Lease(IPv4Address address, IPv4Address mask, IPv4Address broadcast, IPv4Address server,
                 Optional<IPv4Address> router, List<IPv4Address> dns, long leaseSeconds, int mtu,
                 Optional<String> domain) {
    }

    /** An OFFER, ACK (with the lease), INFORM's ACK (settings only) or NAK to this request. */
    byte[] reply(int replyType, Lease lease) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(MIN_LENGTH);
        byte[] head = new byte[OPTIONS];
        head[0] = 2;
        head[1] = 1;
        head[2] = 6;
        put32(head, 4, (int) xid);
        put16(head, 10, flags);
        boolean inform = type == INFORM;
        if (replyType == ACK || inform) {
            put32(head, 12, ciaddr.getInt());
        }
        if ((replyType == OFFER || replyType == ACK) && !inform) {
            put32(head, 16, lease.address().getInt());
        }
        System.arraycopy(chaddr.getBytes(), 0, head, 28, 6);
        put32(head, 236, MAGIC);
        o.writeBytes(head);
        option(o, 53, new byte[] {(byte) replyType});
        option(o, 54, lease.server().getBytes());
        if (replyType != NAK) {
            if (!inform) {
                option(o, 51, int32(lease.leaseSeconds()));
                option(o, 58, int32(lease.leaseSeconds() / 2));
                option(o, 59, int32(lease.leaseSeconds() * 7 / 8));
            }
            option(o, 1, lease.mask().getBytes());
            option(o, 28, lease.broadcast().getBytes());
            lease.router().ifPresent(r -> option(o, 3, r.getBytes()));
            if (!lease.dns().isEmpty()) {
                byte[] d = new byte[4 * lease.dns().size()];
                for (int k = 0; k < lease.dns().size(); k++) {
                    System.arraycopy(lease.dns().get(k).getBytes(), 0, d, 4 * k, 4);
                }
                option(o, 6, d);
            }
            option(o, 26, new byte[] {(byte) (lease.mtu() >>> 8), (byte) lease.mtu()});
            lease.domain().ifPresent(n -> option(o, 15, n.getBytes(StandardCharsets.US_ASCII)));
        }
        o.write(255);
        while (o.size() < MIN_LENGTH) {
            o.write(0);
        }
        return o.toByteArray();
    }

    private static void option(ByteArrayOutputStream o, int code, byte[] value) {
        o.write(code);
        o.write(value.length);
        o.writeBytes(value);
    }

    private static byte[] int32(long v) {
        byte[] b = new byte[4];
        put32(b, 0, (int) Math.min(v, 0xffffffffL));
        return b;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static int i32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
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
}
