package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TransportPort;

import java.util.Objects;
import java.util.Optional;

/**
 * Network address translation by the connection tracker, {@code nat(...)} (NXAST_NAT); only valid
 * inside {@link NxCt}. {@link Kind#SRC} or {@link Kind#DST} with an address range and an optional
 * port range sets up translation for a new connection when it is committed; {@link Kind#REVERSE}
 * (a bare {@code nat}) applies the translation already recorded for the connection (to replies,
 * and to later packets).
 *
 * <pre>
 *   NxNat.src(IPv4Address.of("203.0.113.5"))                         nat(src=203.0.113.5)
 *   NxNat.src(a, b).ports(TransportPort.of(1024), TransportPort.of(65535)).withRandom()
 *                                                                    nat(src=a-b:1024-65535,random)
 *   NxNat.dst(IPv4Address.of("10.0.1.11"), TransportPort.of(80))     nat(dst=10.0.1.11:80)
 *   NxNat.reverse()                                                  nat
 * </pre>
 *
 * The record mirrors the wire exactly (which range parts are present), so a decoded action equals
 * the one encoded; the factories give the form Open vSwitch itself writes (a single address or
 * port as a minimum only). Wire format (nx_action_nat): pad(2) flags(2) range_present(2), then
 * the present parts in order: IPv4 min, IPv4 max, port min, port max, padded to 8 bytes. IPv6
 * ranges are not supported.
 */
public record NxNat(Kind kind, Optional<IPv4Address> ipMin, Optional<IPv4Address> ipMax,
                    Optional<TransportPort> portMin, Optional<TransportPort> portMax,
                    boolean persistent, boolean hash, boolean random) implements NiciraAction {
    public static final int SUBTYPE = 36;
    static final int FIXED = 16;
    private static final int F_SRC = 1;
    private static final int F_DST = 2;
    private static final int F_PERSISTENT = 4;
    private static final int F_HASH = 8;
    private static final int F_RANDOM = 16;
    private static final int R_IPV4_MIN = 1;
    private static final int R_IPV4_MAX = 2;
    private static final int R_IPV6_MIN = 4;
    private static final int R_IPV6_MAX = 8;
    private static final int R_PROTO_MIN = 16;
    private static final int R_PROTO_MAX = 32;

    /** What the translation changes: the source, the destination, or whatever the connection recorded. */
    public enum Kind { SRC, DST, REVERSE }

    public NxNat {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ipMin, "ipMin");
        Objects.requireNonNull(ipMax, "ipMax");
        Objects.requireNonNull(portMin, "portMin");
        Objects.requireNonNull(portMax, "portMax");
        if (kind == Kind.REVERSE && (ipMin.isPresent() || ipMax.isPresent() || portMin.isPresent()
                || portMax.isPresent() || persistent || hash || random)) {
            throw new IllegalArgumentException("a bare nat (reverse) takes no range and no flags");
        }
        if (hash && random) {
            throw new IllegalArgumentException("nat: hash and random exclude each other");
        }
    }

    /** {@code nat}: apply the translation the connection was committed with. */
    public static NxNat reverse() {
        return new NxNat(Kind.REVERSE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                false, false, false);
    }

    /** {@code nat(src=ip)}. */
    public static NxNat src(IPv4Address ip) {
        return of(Kind.SRC, ip, null);
    }

    /** {@code nat(src=min-max)}. */
    public static NxNat src(IPv4Address min, IPv4Address max) {
        return of(Kind.SRC, min, max);
    }

    /** {@code nat(dst=ip)}. */
    public static NxNat dst(IPv4Address ip) {
        return of(Kind.DST, ip, null);
    }

    /** {@code nat(dst=ip:port)}. */
    public static NxNat dst(IPv4Address ip, TransportPort port) {
        return of(Kind.DST, ip, null).ports(port, null);
    }

    private static NxNat of(Kind kind, IPv4Address min, IPv4Address max) {
        return new NxNat(kind, Optional.of(min), Optional.ofNullable(max), Optional.empty(), Optional.empty(),
                false, false, false);
    }

    /** The port range ({@code max} may be null: the single port {@code min}). */
    public NxNat ports(TransportPort min, TransportPort max) {
        return new NxNat(kind, ipMin, ipMax, Optional.of(min), Optional.ofNullable(max), persistent, hash, random);
    }

    public NxNat withPersistent() {
        return new NxNat(kind, ipMin, ipMax, portMin, portMax, true, hash, random);
    }

    public NxNat withHash() {
        return new NxNat(kind, ipMin, ipMax, portMin, portMax, persistent, true, random);
    }

    public NxNat withRandom() {
        return new NxNat(kind, ipMin, ipMax, portMin, portMax, persistent, hash, true);
    }

    @Override
    public int subtype() {
        return SUBTYPE;
    }

    @Override
    public void writeTo(ByteBuf b) {
        int start = Wire.begin(b, SUBTYPE);
        b.writeZero(2);
        int flags = (kind == Kind.SRC ? F_SRC : kind == Kind.DST ? F_DST : 0) | (persistent ? F_PERSISTENT : 0)
                | (hash ? F_HASH : 0) | (random ? F_RANDOM : 0);
        b.writeShort(flags);
        int present = (ipMin.isPresent() ? R_IPV4_MIN : 0) | (ipMax.isPresent() ? R_IPV4_MAX : 0)
                | (portMin.isPresent() ? R_PROTO_MIN : 0) | (portMax.isPresent() ? R_PROTO_MAX : 0);
        b.writeShort(present);
        ipMin.ifPresent(ip -> b.writeInt(ip.getInt()));
        ipMax.ifPresent(ip -> b.writeInt(ip.getInt()));
        portMin.ifPresent(p -> b.writeShort(p.getPort()));
        portMax.ifPresent(p -> b.writeShort(p.getPort()));
        Wire.end(b, start);
    }

    static NxNat read(ByteBuf b) throws OFParseError {
        int start = b.readerIndex();
        int len = Wire.length(b, "nat", FIXED);
        Wire.zero(b, start + 10, 2, "nat", "padding");
        int flags = b.getUnsignedShort(start + 12);
        int present = b.getUnsignedShort(start + 14);
        if ((flags & ~(F_SRC | F_DST | F_PERSISTENT | F_HASH | F_RANDOM)) != 0) {
            throw new OFParseError("nat: unknown flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & F_SRC) != 0 && (flags & F_DST) != 0) {
            throw new OFParseError("nat: both src and dst");
        }
        if ((present & (R_IPV6_MIN | R_IPV6_MAX)) != 0) {
            throw new OFParseError("nat: IPv6 ranges are not supported");
        }
        if ((present & ~(R_IPV4_MIN | R_IPV4_MAX | R_PROTO_MIN | R_PROTO_MAX)) != 0) {
            throw new OFParseError("nat: unknown range parts 0x" + Integer.toHexString(present));
        }
        int need = FIXED + 4 * Integer.bitCount(present & 3) + 2 * Integer.bitCount(present & 48);
        if (need > len) {
            throw new OFParseError("nat: range needs " + need + " bytes, the action has " + len);
        }
        int at = start + FIXED;
        Optional<IPv4Address> ipMin = Optional.empty();
        Optional<IPv4Address> ipMax = Optional.empty();
        Optional<TransportPort> portMin = Optional.empty();
        Optional<TransportPort> portMax = Optional.empty();
        if ((present & R_IPV4_MIN) != 0) {
            ipMin = Optional.of(IPv4Address.of(b.getInt(at)));
            at += 4;
        }
        if ((present & R_IPV4_MAX) != 0) {
            ipMax = Optional.of(IPv4Address.of(b.getInt(at)));
            at += 4;
        }
        if ((present & R_PROTO_MIN) != 0) {
            portMin = Optional.of(TransportPort.of(b.getUnsignedShort(at)));
            at += 2;
        }
        if ((present & R_PROTO_MAX) != 0) {
            portMax = Optional.of(TransportPort.of(b.getUnsignedShort(at)));
        }
        b.skipBytes(len);
        Kind kind = (flags & F_SRC) != 0 ? Kind.SRC : (flags & F_DST) != 0 ? Kind.DST : Kind.REVERSE;
        try {
            return new NxNat(kind, ipMin, ipMax, portMin, portMax, (flags & F_PERSISTENT) != 0,
                    (flags & F_HASH) != 0, (flags & F_RANDOM) != 0);
        } catch (IllegalArgumentException e) {
            throw new OFParseError("nat: " + e.getMessage());
        }
    }

    /** As {@code ovs-ofctl} prints it. */
    @Override
    public String toString() {
        if (kind == Kind.REVERSE) {
            return "nat";
        }
        StringBuilder s = new StringBuilder("nat(").append(kind == Kind.SRC ? "src" : "dst");
        ipMin.ifPresent(min -> {
            s.append('=').append(min);
            ipMax.filter(max -> !max.equals(min)).ifPresent(max -> s.append('-').append(max));
        });
        portMin.ifPresent(min -> {
            s.append(':').append(min.getPort());
            portMax.filter(max -> !max.equals(min)).ifPresent(max -> s.append('-').append(max.getPort()));
        });
        s.append(persistent ? ",persistent" : "").append(hash ? ",hash" : "").append(random ? ",random" : "");
        return s.append(')').toString();
    }
}
