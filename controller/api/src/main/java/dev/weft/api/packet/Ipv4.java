package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The addresses and protocol of an IPv4 header. The addresses are kept as the header's 32-bit
 * numbers and become {@link IPv4Address} objects only when asked for ({@link #src()},
 * {@link #dst()}): every packet-in's frame is parsed, and most apps never read its IPv4
 * destination (two allocations per packet-in for nothing, JFR).
 *
 * @param srcInt       the source address as sent (network order read as a signed int, as
 *                     {@link IPv4Address#getInt()})
 * @param dstInt       the destination address, likewise
 * @param protocol     the protocol number as sent, 0–255. A plain number because Loxi's
 *                     {@link IpProtocol} cannot hold 255 (IANA's "reserved", which cbench's packets
 *                     and any host may carry); {@link #is(IpProtocol)} compares with a Loxi value
 * @param ttl          the time to live
 * @param headerLength the header's length in bytes with its options (IHL × 4, 20–60)
 */
public record Ipv4(int srcInt, int dstInt, int protocol, int ttl, int headerLength) {
    public static final int MIN_LENGTH = 20;

    public Ipv4 {
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol number out of range: " + protocol);
        }
    }

    public Ipv4(IPv4Address src, IPv4Address dst, int protocol, int ttl, int headerLength) {
        this(Objects.requireNonNull(src, "src").getInt(), Objects.requireNonNull(dst, "dst").getInt(), protocol, ttl,
                headerLength);
    }

    /** The source address. */
    public IPv4Address src() {
        return IPv4Address.of(srcInt);
    }

    /** The destination address. */
    public IPv4Address dst() {
        return IPv4Address.of(dstInt);
    }

    @Override
    public String toString() {
        return "Ipv4[src=" + src() + ", dst=" + dst() + ", protocol=" + protocol + ", ttl=" + ttl
                + ", headerLength=" + headerLength + "]";
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
                Ethernet.readS32(b, off + 12),
                Ethernet.readS32(b, off + 16),
                b[off + 9] & 0xff,
                b[off + 8] & 0xff,
                (versionIhl & 0x0f) * 4));
    }
}
