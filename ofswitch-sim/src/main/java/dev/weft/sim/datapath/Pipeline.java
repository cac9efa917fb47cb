package dev.weft.sim.datapath;

import dev.weft.ovsext.NxCt;
import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.FrameRewriter;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFBucket;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetDlDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetDlSrc;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwSrc;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwTtl;
import org.projectfloodlight.openflow.protocol.action.OFActionSetNwTos;
import org.projectfloodlight.openflow.protocol.action.OFActionSetTpDst;
import org.projectfloodlight.openflow.protocol.action.OFActionSetTpSrc;
import org.projectfloodlight.openflow.protocol.action.OFActionSetVlanPcp;
import org.projectfloodlight.openflow.protocol.action.OFActionSetVlanVid;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * Runs packets through the flow tables and executes actions on their bytes: the switch's
 * forwarding plane. Output frames are the rewritten bytes; each output sends a copy of the packet
 * as it is at that point of the action list.
 */
final class Pipeline {
    /** Why a packet is being processed, for packet-in reason, table id and cookie. */
    record Origin(int tableId, U64 cookie, boolean tableMiss, boolean packetOut) {
        static final Origin PACKET_OUT = new Origin(0xff, U64.NO_MASK, false, true);
    }

    private final Datapath dp;
    final Conntrack conntrack = new Conntrack();
    /** Open vSwitch stops a packet after this many recirculations; so do we. */
    static final int MAX_RECIRCULATIONS = 16;
    private int recirculations;

    Pipeline(Datapath dp) {
        this.dp = dp;
    }

    /** Matches the packet from {@code firstTable} on and executes what the entries say. */
    void process(Packet p, int firstTable) {
        ActionSet set = new ActionSet();
        int table = firstTable;
        while (true) {
            FlowTable t = dp.tables[table];
            FlowEntry e = t.lookup(p);
            dp.visited(table, e, p.metadata);
            if (e == null) {
                dp.tableMiss(p, table);
                return;
            }
            e.hit(p.bytes().length, dp.now());
            Program prog = e.program;
            if (prog.meter() != Program.NO_METER && !dp.meters.admit(prog.meter(), p.bytes().length, dp.now())) {
                return; // over the meter's rate: its drop band
            }
            Origin origin = new Origin(table, e.cookie, e.isTableMiss(), false);
            run(prog.apply(), p, origin);
            if (p.halted) {
                return;
            }
            if (prog.clear()) {
                set.clear();
            }
            set.write(prog.write());
            if (prog.writesMetadata()) {
                p.metadata = (p.metadata & ~prog.metadataMask()) | prog.metadata();
            }
            if (prog.gotoTable() < 0) {
                run(set.toList(), p, origin);
                return;
            }
            table = prog.gotoTable();
        }
    }

    /** Executes an action list in order on the packet. */
    void run(List<OFAction> actions, Packet p, Origin origin) {
        for (OFAction a : actions) {
            if (p.halted) {
                return;
            }
            switch (a.getType()) {
                case OUTPUT -> {
                    OFActionOutput o = (OFActionOutput) a;
                    output(o.getPort(), o.getMaxLen(), p, origin);
                }
                case GROUP -> group(((OFActionGroup) a).getGroup().getGroupNumber(), p, origin);
                case SET_FIELD -> setField((OFActionSetField) a, p);
                case PUSH_VLAN -> p.setBytes(FrameRewriter.pushVlan(p.bytes(),
                        ((OFActionPushVlan) a).getEthertype().getValue()));
                case POP_VLAN, STRIP_VLAN -> p.setBytes(FrameRewriter.popVlan(p.bytes()));
                case SET_VLAN_VID -> p.setBytes(FrameRewriter.setVlanVid10(p.bytes(),
                        ((OFActionSetVlanVid) a).getVlanVid().getVlan()));
                case SET_VLAN_PCP -> p.setBytes(FrameRewriter.setVlanPcp10(p.bytes(),
                        ((OFActionSetVlanPcp) a).getVlanPcp().getValue()));
                case SET_DL_SRC -> rewrite(p, Field.ETH_SRC, ((OFActionSetDlSrc) a).getDlAddr().getLong());
                case SET_DL_DST -> rewrite(p, Field.ETH_DST, ((OFActionSetDlDst) a).getDlAddr().getLong());
                case SET_NW_SRC -> rewrite(p, Field.IPV4_SRC, ((OFActionSetNwSrc) a).getNwAddr().getInt() & 0xffffffffL);
                case SET_NW_DST -> rewrite(p, Field.IPV4_DST, ((OFActionSetNwDst) a).getNwAddr().getInt() & 0xffffffffL);
                case SET_NW_TOS -> rewrite(p, Field.IP_DSCP, (((OFActionSetNwTos) a).getNwTos() & 0xff) >>> 2);
                case SET_TP_SRC -> rewriteTp(p, true, ((OFActionSetTpSrc) a).getTpPort().getPort());
                case SET_TP_DST -> rewriteTp(p, false, ((OFActionSetTpDst) a).getTpPort().getPort());
                case DEC_NW_TTL -> decTtl(p, origin);
                case EXPERIMENTER -> experimenter(a, p);
                case SET_NW_TTL -> p.setBytes(FrameRewriter.setTtl(p.bytes(),
                        ((OFActionSetNwTtl) a).getNwTtl() & 0xff));
                default -> {
                    // SET_QUEUE: no queues in the simulator; validated elsewhere
                }
            }
        }
    }

    /** Open vSwitch's extension actions (validated when installed: only these get here). */
    private void experimenter(OFAction a, Packet p) {
        if (a instanceof dev.weft.ovsext.NxCtClear) {
            p.ctState = 0;
            p.ctZone = 0;
            return;
        }
        if (a instanceof NxCt ct) {
            Packet tracked = conntrack.apply(ct, p);
            // ct(table=T): the tracked (maybe translated) packet continues in T; the original goes on
            // with the rest of the actions, untracked.
            if (ct.table().isPresent() && recirculations < MAX_RECIRCULATIONS) {
                recirculations++;
                try {
                    process(tracked, ct.table().get().getValue());
                } finally {
                    recirculations--;
                }
            }
        }
    }

    /**
     * OpenFlow's dec_nw_ttl as Open vSwitch does it: an IPv4 TTL of 0 or 1 is not decremented; the
     * packet goes to the controller (reason invalid TTL, when it asked for that) as it is now, and
     * its processing ends. Non-IPv4 packets are left alone.
     */
    private void decTtl(Packet p, Origin origin) {
        int ttl = FrameRewriter.ttl(p.bytes());
        if (ttl < 0) {
            return;
        }
        if (ttl <= 1) {
            if (dp.invalidTtlToController()) {
                dp.packetIn(p, OFPacketInReason.INVALID_TTL, 0xffff, origin.tableId(), origin.cookie());
            }
            p.halted = true;
            return;
        }
        p.setBytes(FrameRewriter.setTtl(p.bytes(), ttl - 1));
    }

    private void rewrite(Packet p, Field f, long value) {
        p.setBytes(FrameRewriter.setField(p.bytes(), f, value));
    }

    private void rewriteTp(Packet p, boolean src, int port) {
        for (Field f : src ? List.of(Field.TCP_SRC, Field.UDP_SRC, Field.SCTP_SRC)
                : List.of(Field.TCP_DST, Field.UDP_DST, Field.SCTP_DST)) {
            if (p.headers().has(f)) {
                rewrite(p, f, port);
                return;
            }
        }
    }

    private void setField(OFActionSetField a, Packet p) {
        Field f = FieldMapping.field(a.getField().getMatchField());
        long v = FieldMapping.toLong(a.getField().getValue());
        switch (f) {
            case TUNNEL_ID -> p.tunnelId = v;
            case TUNNEL_IPV4_DST -> p.tunnelDst = v;
            case METADATA -> p.metadata = v;
            case VLAN_VID -> rewrite(p, f, v & 0x0fff);
            default -> rewrite(p, f, v);
        }
    }

    private void group(int groupId, Packet p, Origin origin) {
        GroupEntry g = dp.groups.get(groupId);
        if (g == null) {
            return; // deleted after validation: the flows pointing at it were removed too
        }
        g.packetCount++;
        g.byteCount += p.bytes().length;
        List<OFBucket> buckets = g.type == OFGroupType.INDIRECT ? g.buckets.subList(0, Math.min(1, g.buckets.size()))
                : g.buckets;
        for (int i = 0; i < buckets.size(); i++) {
            g.bucketPackets[i]++;
            g.bucketBytes[i] += p.bytes().length;
            run(buckets.get(i).getActions(), p.copy(), origin);
        }
    }

    /** Sends a copy of the packet out of a port (physical or reserved). */
    void output(OFPort port, int maxLen, Packet p, Origin origin) {
        if (port.equals(OFPort.CONTROLLER)) {
            OFPacketInReason reason = origin.tableMiss() && !origin.packetOut() ? OFPacketInReason.NO_MATCH
                    : OFPacketInReason.ACTION;
            dp.packetIn(p, reason, maxLen, origin.tableId(), origin.cookie());
        } else if (port.equals(OFPort.IN_PORT)) {
            transmit(dp.port(OFPort.of(p.inPort)), p);
        } else if (port.equals(OFPort.FLOOD) || port.equals(OFPort.ALL)) {
            boolean flood = port.equals(OFPort.FLOOD);
            for (SimPort out : dp.ports()) {
                if (out.number().getPortNumber() != p.inPort && !(flood && out.has(OFPortConfig.NO_FLOOD))) {
                    transmit(out, p);
                }
            }
        } else if (port.equals(OFPort.TABLE)) {
            process(p.copy(), 0);
        } else if (port.equals(OFPort.LOCAL)) {
            dp.toLocal(p);
        } else if (port.getPortNumber() != p.inPort) {
            transmit(dp.port(port), p); // output to the input port must use IN_PORT; otherwise dropped
        }
    }

    private void transmit(SimPort out, Packet p) {
        if (out == null) {
            return;
        }
        if (!out.isUp() || out.has(OFPortConfig.NO_FWD)) {
            out.txDropped++;
            return;
        }
        out.txPackets++;
        out.txBytes += p.bytes().length;
        dp.env().transmit(out, p.toFrame());
    }
}
