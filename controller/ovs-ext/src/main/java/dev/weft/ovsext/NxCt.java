package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.types.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Open vSwitch's connection tracking action, {@code ct(...)} (NXAST_CT): sends the packet through
 * the connection tracker in conntrack {@code zone}; with {@code commit} it records the connection
 * (so later packets of it, both ways, are {@code +est}); with a {@code table} the tracked packet
 * continues in that table with {@code ct_state} and the other {@code ct_*} fields set, while the
 * original goes on with the rest of the actions, untracked. {@code actions} run on commit: a
 * {@link NxNat} first, and {@code set_field} of {@code ct_mark}/{@code ct_label}.
 *
 * <pre>
 *   NxCt.track(5, TableId.of(1))                          ct(table=1,zone=5)
 *   NxCt.commit(5)                                        ct(commit,zone=5)
 *   NxCt.commit(5).withActions(NxNat.src(ip).withRandom())    ct(commit,zone=5,nat(src=ip,random))
 * </pre>
 *
 * Wire format (nx_action_conntrack, 24 bytes + actions): flags(2) zone_src(4) zone(2)
 * recirc_table(1) pad(3) alg(2). Only an immediate zone is supported (zone_src = 0); a zone taken
 * from a field is refused when decoding.
 */
public record NxCt(boolean commit, boolean force, int zone, Optional<TableId> table, int alg, List<OFAction> actions)
        implements NiciraAction {
    public static final int SUBTYPE = 35;
    static final int FIXED = 24;
    private static final int F_COMMIT = 1;
    private static final int F_FORCE = 2;
    private static final int RECIRC_NONE = 0xff;

    public NxCt {
        if (zone < 0 || zone > 0xffff) {
            throw new IllegalArgumentException("ct zone must be 0..65535, was " + zone);
        }
        if (alg < 0 || alg > 0xffff) {
            throw new IllegalArgumentException("ct alg must be a port number 0..65535, was " + alg);
        }
        Objects.requireNonNull(table, "table");
        table.ifPresent(t -> {
            if (t.getValue() >= RECIRC_NONE) {
                throw new IllegalArgumentException("ct table must be 0..254, was " + t.getValue());
            }
        });
        if (force && !commit) {
            throw new IllegalArgumentException("ct force needs commit");
        }
        actions = List.copyOf(actions);
    }

    /** {@code ct(table=T,zone=Z)}: look the packet up and continue in {@code table} with ct_state set. */
    public static NxCt track(int zone, TableId table) {
        return new NxCt(false, false, zone, Optional.of(table), 0, List.of());
    }

    /** {@code ct(commit,zone=Z)}: record the connection; the packet carries on with the next action. */
    public static NxCt commit(int zone) {
        return new NxCt(true, false, zone, Optional.empty(), 0, List.of());
    }

    public NxCt withTable(TableId t) {
        return new NxCt(commit, force, zone, Optional.of(t), alg, actions);
    }

    /** {@code force}: a committed connection seen in the other direction is ended and started anew. */
    public NxCt withForce() {
        return new NxCt(true, true, zone, table, alg, actions);
    }

    public NxCt withAlg(int port) {
        return new NxCt(commit, force, zone, table, port, actions);
    }

    /** The actions run by the tracker: a {@link NxNat}, then {@code set_field} of ct_mark or ct_label. */
    public NxCt withActions(OFAction... nested) {
        return new NxCt(commit, force, zone, table, alg, List.of(nested));
    }

    @Override
    public int subtype() {
        return SUBTYPE;
    }

    @Override
    public void writeTo(ByteBuf b) {
        int start = Wire.begin(b, SUBTYPE);
        b.writeShort((commit ? F_COMMIT : 0) | (force ? F_FORCE : 0));
        b.writeInt(0); // zone_src: none, the zone is immediate
        b.writeShort(zone);
        b.writeByte(table.map(t -> (int) t.getValue()).orElse(RECIRC_NONE));
        b.writeZero(3);
        b.writeShort(alg);
        for (OFAction a : actions) {
            a.writeTo(b);
        }
        Wire.end(b, start);
    }

    static NxCt read(ByteBuf b, int depth) throws OFParseError {
        int start = b.readerIndex();
        int len = Wire.length(b, "ct", FIXED);
        int flags = b.getUnsignedShort(start + 10);
        if ((flags & ~(F_COMMIT | F_FORCE)) != 0) {
            throw new OFParseError("ct: unknown flags 0x" + Integer.toHexString(flags));
        }
        if (b.getInt(start + 12) != 0) {
            throw new OFParseError("ct: a zone taken from a field is not supported (only an immediate zone)");
        }
        int zone = b.getUnsignedShort(start + 16);
        int recirc = b.getUnsignedByte(start + 18);
        Wire.zero(b, start + 19, 3, "ct", "padding");
        int alg = b.getUnsignedShort(start + 22);
        List<OFAction> nested = len > FIXED ? ActionReader.read(b.slice(start + FIXED, len - FIXED), depth + 1)
                : List.of();
        b.skipBytes(len);
        try {
            return new NxCt((flags & F_COMMIT) != 0, (flags & F_FORCE) != 0, zone,
                    recirc == RECIRC_NONE ? Optional.empty() : Optional.of(TableId.of(recirc)), alg, nested);
        } catch (IllegalArgumentException e) {
            throw new OFParseError("ct: " + e.getMessage());
        }
    }

    /** As {@code ovs-ofctl} prints it. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ct(");
        if (commit) {
            s.append("commit,");
        }
        if (force) {
            s.append("force,");
        }
        table.ifPresent(t -> s.append("table=").append(t.getValue()).append(','));
        if (zone != 0) {
            s.append("zone=").append(zone).append(',');
        }
        List<OFAction> rest = new ArrayList<>(actions);
        if (!rest.isEmpty() && rest.get(0) instanceof NxNat nat) {
            s.append(nat).append(',');
            rest.remove(0);
        }
        if (!rest.isEmpty()) {
            s.append("exec(");
            for (int i = 0; i < rest.size(); i++) {
                s.append(i > 0 ? "," : "").append(text(rest.get(i)));
            }
            s.append("),");
        }
        if (alg != 0) {
            s.append("alg=").append(alg == 21 ? "ftp" : alg == 69 ? "tftp" : String.valueOf(alg)).append(',');
        }
        if (s.charAt(s.length() - 1) == ',') {
            s.setLength(s.length() - 1);
        }
        return s.append(')').toString();
    }

    private static String text(OFAction a) {
        if (a instanceof OFActionSetField sf) {
            return "set_field:" + OvsNames.value(sf.getField().getValue()) + "->" + OvsNames.field(sf.getField().getMatchField());
        }
        return a.toString();
    }
}
