package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The addresses and protocol of an IPv4 header.
 *
 * @param protocol     the protocol number as sent, 0–255. A plain number because Loxi's
 *                     {@link IpProtocol} cannot hold 255 (IANA's "reserved", which cbench's packets
 *                     and any host may carry); {@link #is(IpProtocol)} compares with a Loxi value
 * @param ttl          the time to live
 * @param headerLength the header's length in bytes with its options (IHL × 4, 20–60)
 */
public record Ipv4(IPv4Address src, IPv4Address dst, int protocol, int ttl, int headerLength) {
    public static final int MIN_LENGTH = 20;

    public Ipv4 {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol number out of range: " + protocol);
        }
    }

    /** Whether this packet carries {@code p} (TCP, UDP, ICMP, ...). */
    public boolean is(IpProtocol p) {
        return p.getIpProtocolNumber() == protocol;
    }

    /** The fixed header when the frame holds it (version 4, IHL at least 5); never throws. */
    static Optional<Ipv4> parse(byte[] b, int off) {
        if (b.length < off + MIN_LENGTH) {
            return Optional.empty();
        }
        int versionIhl = b[off] & 0xff;
        if ((versionIhl >>> 4) != 4 || (versionIhl & 0x0f) < 5) {
            return Optional.empty();
        }
        return Optional.of(new Ipv4(
                IPv4Address.of(Ethernet.readS32(b, off + 12)),
                IPv4Address.of(Ethernet.readS32(b, off + 16)),
                b[off + 9] & 0xff,
                b[off + 8] & 0xff,
                (versionIhl & 0x0f) * 4));
    }
}
