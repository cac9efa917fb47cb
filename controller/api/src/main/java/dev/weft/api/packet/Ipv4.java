package dev.weft.api.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;

import java.util.Objects;
import java.util.Optional;

/** The addresses and protocol of an IPv4 header. */
public record Ipv4(IPv4Address src, IPv4Address dst, IpProtocol protocol, int ttl) {
    public static final int MIN_LENGTH = 20;

    public Ipv4 {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(protocol, "protocol");
    }

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
                IpProtocol.of((short) (b[off + 9] & 0xff)),
                b[off + 8] & 0xff));
    }
}
