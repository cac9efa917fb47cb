package dev.weft.sim.datapath;

import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxNat;
import dev.weft.sim.packet.EtherTypes;
import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.FrameRewriter;
import java.util.HashMap;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.action.OFAction;

/**
 * The subset of Open vSwitch's connection tracker that {@code ct(...)} needs in the simulator:
 * connections of TCP, UDP and ICMP echo keyed by zone and 5-tuple (an echo's id stands for both
 * ports), recorded by {@code commit}, with their source or destination translation
 * ({@code nat(src=A)}, {@code nat(dst=A)}: one address, ports kept); a packet of a recorded
 * connection, either way, is translated as recorded whenever the ct action has a {@code nat}.
 * Other packets are tracked as new and not translated. The packet it returns carries the state
 * as Open vSwitch's {@code ct_state} and {@code ct_zone} say it: {@code +trk+new} for a
 * connection not recorded (as Open vSwitch 3.1's userspace tracker does, measured: a TCP segment
 * in the middle of a connection, with ACK and without SYN, is {@code +trk+new} too, and a commit
 * picks the connection up there; a SYN-ACK or a segment with neither SYN nor ACK is
 * {@code +trk+inv}), {@code +trk+est} for a recorded one
 * ({@code +rpl} in the reply direction), {@code +trk+inv} for what it cannot track (not IPv4 TCP,
 * UDP or ICMP echo). No expiry, no port clash resolution, no helpers, no related connections.
 */
final class Conntrack {
    /** A direction of a connection: zone, protocol, addresses and ports (echo id for ICMP). */
    record Tuple(int zone, int proto, long src, long dst, int sport, int dport) {
        Tuple reversed() {
            return new Tuple(zone, proto, dst, src, dport, sport);
        }
    }

    /** A recorded connection: as it was first seen, and as its replies look (after translation). */
    record Connection(Tuple original, Tuple reply) {
    }

    private record Entry(Connection conn, boolean isReply) {
    }

    private final Map<Tuple, Entry> table = new HashMap<>();

    int size() {
        return table.size() / 2;
    }

    /**
     * Runs {@code ct} on {@code p}: returns the packet as the tracker leaves it (translated when it
     * should be), which the caller continues in the ct's table; the original is untouched.
     */
    static final int NEW = 0x01;
    static final int EST = 0x02;
    static final int RPL = 0x08;
    static final int INV = 0x10;
    static final int TRK = 0x20;

    Packet apply(NxCt ct, Packet p) {
        Packet q = p.copy();
        q.ctZone = ct.zone();
        Tuple t = tuple(p, ct.zone());
        if (t == null) {
            q.ctState = TRK | INV;
            return q;
        }
        NxNat nat = null;
        for (OFAction a : ct.actions()) {
            if (a instanceof NxNat n) {
                nat = n;
            }
        }
        Entry e = table.get(t);
        if (e == null && t.proto() == EtherTypes.PROTO_TCP && !opensConnection(p)) {
            q.ctState = TRK | INV;
            return q;
        }
        q.ctState = e == null ? TRK | NEW : TRK | EST | (e.isReply() ? RPL : 0);
        if (e == null && ct.commit()) {
            Tuple translated = t;
            if (nat != null && nat.kind() == NxNat.Kind.SRC && nat.ipMin().isPresent()) {
                translated = new Tuple(t.zone(), t.proto(), nat.ipMin().get().getInt() & 0xffffffffL, t.dst(),
                        t.sport(), t.dport());
            } else if (nat != null && nat.kind() == NxNat.Kind.DST && nat.ipMin().isPresent()) {
                translated = new Tuple(t.zone(), t.proto(), t.src(), nat.ipMin().get().getInt() & 0xffffffffL,
                        t.sport(), t.dport());
            }
            Connection c = new Connection(t, translated.reversed());
            if (!table.containsKey(c.reply())) {
                table.put(t, new Entry(c, false));
                table.put(c.reply(), new Entry(c, true));
                e = table.get(t);
            }
        }
        if (e != null && nat != null) {
            Connection c = e.conn();
            // Original direction: addresses become those the reply is sent to; reply direction:
            // those of the original.
            long src = e.isReply() ? c.original().dst() : c.reply().dst();
            long dst = e.isReply() ? c.original().src() : c.reply().src();
            if (src != t.src()) {
                q.setBytes(FrameRewriter.setField(q.bytes(), Field.IPV4_SRC, src));
            }
            if (dst != t.dst()) {
                q.setBytes(FrameRewriter.setField(q.bytes(), Field.IPV4_DST, dst));
            }
        }
        return q;
    }

    /**
     * What Open vSwitch's userspace tracker takes as the start of a connection it does not know:
     * a SYN without ACK, RST or FIN, or a segment without SYN that has ACK (picked up in the
     * middle; its tcp_valid_new). Not a SYN-ACK, nor a segment with neither SYN nor ACK.
     */
    private static boolean opensConnection(Packet p) {
        int l4 = p.headers().l4Offset();
        byte[] b = p.bytes();
        if (l4 < 0 || b.length < l4 + 14) {
            return false;
        }
        int flags = b[l4 + 13] & 0xff;
        boolean syn = (flags & 0x02) != 0;
        boolean ack = (flags & 0x10) != 0;
        return syn ? !ack && (flags & 0x05) == 0 : ack;
    }

    /** The packet's tuple in {@code zone}, or null when it is not IPv4 TCP, UDP or an ICMP echo. */
    static Tuple tuple(Packet p, int zone) {
        var h = p.headers();
        if (!h.has(Field.IPV4_SRC) || !h.has(Field.IP_PROTO)) {
            return null;
        }
        int proto = (int) h.get(Field.IP_PROTO);
        long src = h.get(Field.IPV4_SRC);
        long dst = h.get(Field.IPV4_DST);
        if (proto == EtherTypes.PROTO_TCP && h.has(Field.TCP_SRC)) {
            return new Tuple(zone, proto, src, dst, (int) h.get(Field.TCP_SRC), (int) h.get(Field.TCP_DST));
        }
        if (proto == EtherTypes.PROTO_UDP && h.has(Field.UDP_SRC)) {
            return new Tuple(zone, proto, src, dst, (int) h.get(Field.UDP_SRC), (int) h.get(Field.UDP_DST));
        }
        if (proto == EtherTypes.PROTO_ICMP && h.has(Field.ICMPV4_TYPE)) {
            int type = (int) h.get(Field.ICMPV4_TYPE);
            byte[] b = p.bytes();
            int l4 = h.l4Offset();
            if ((type == 8 || type == 0) && l4 >= 0 && b.length >= l4 + 6) {
                int id = ((b[l4 + 4] & 0xff) << 8) | (b[l4 + 5] & 0xff);
                return new Tuple(zone, proto, src, dst, id, id);
            }
        }
        return null;
    }
}
