package dev.weft.sim.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;
import org.projectfloodlight.openflow.protocol.OFAggregateStatsRequest;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFBucketCounter;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsEntry;
import org.projectfloodlight.openflow.protocol.OFGroupStatsEntry;
import org.projectfloodlight.openflow.protocol.OFGroupStatsRequest;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFTableStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Answers STATS/MULTIPART requests: desc, flow, aggregate, table, port, port-desc, group,
 * group-desc, group-features and queue (empty). Replies larger than one message are split into
 * parts flagged REPLY_MORE; PORT_DESC parts hold at most {@code portDescPartSize} ports.
 */
final class StatsResponder {
    private static final int MAX_PART_BYTES = 60_000;

    private final Datapath dp;

    StatsResponder(Datapath dp) {
        this.dp = dp;
    }

    void handle(OFStatsRequest<?> req) throws OfErrorException {
        OFFactory f = dp.factory();
        long xid = req.getXid();
        switch (req.getStatsType()) {
            case DESC -> dp.env().toController(f.buildDescStatsReply().setXid(xid).setMfrDesc("Weft project")
                    .setHwDesc(dp.config().description()).setSwDesc("ofswitch-sim").setSerialNum("None")
                    .setDpDesc(dp.dpid().toString()).build());
            case FLOW -> flowStats((OFFlowStatsRequest) req);
            case AGGREGATE -> aggregate((OFAggregateStatsRequest) req);
            case TABLE -> tableStats(xid);
            case PORT -> portStats((OFPortStatsRequest) req);
            case PORT_DESC -> sendParts(dp.portDescs(), dp.config().portDescPartSize(), e -> 0,
                    (part, flags) -> f.buildPortDescStatsReply().setXid(xid).setFlags(flags).setEntries(part).build());
            case GROUP -> groupStats((OFGroupStatsRequest) req);
            case GROUP_DESC -> {
                List<OFGroupDescStatsEntry> l = new ArrayList<>();
                for (GroupEntry g : dp.groups.values()) {
                    l.add(f.buildGroupDescStatsEntry().setGroup(OFGroup.of(g.groupId)).setGroupType(g.type)
                            .setBuckets(g.buckets).build());
                }
                sendParts(l, Integer.MAX_VALUE, StatsResponder::sizeOf,
                        (part, flags) -> f.buildGroupDescStatsReply().setXid(xid).setFlags(flags).setEntries(part).build());
            }
            case GROUP_FEATURES -> dp.env().toController(f.buildGroupFeaturesStatsReply().setXid(xid)
                    .setTypes((1L << OFGroupType.ALL.ordinal()) | (1L << 2))
                    .setCapabilities(Set.of()).setMaxGroupsAll(65536).setMaxGroupsIndirect(65536)
                    .setActionsAll(1L).setActionsIndirect(1L).build());
            case METER_FEATURES -> dp.env().toController(f.buildMeterFeaturesStatsReply().setXid(xid)
                    .setFeatures(f.buildMeterFeatures().setMaxMeter(65536)
                            .setBandTypes(1L << 1).setCapabilities((1L << 0) | (1L << 1) | (1L << 2) | (1L << 3))
                            .setMaxBands((short) 1).setMaxColor((short) 0).build()).build());
            case METER -> dp.env().toController(f.buildMeterStatsReply().setXid(xid)
                    .setEntries(dp.meters.stats(f, ((org.projectfloodlight.openflow.protocol.OFMeterStatsRequest) req)
                            .getMeterId(), dp.now())).build());
            case METER_CONFIG -> dp.env().toController(f.buildMeterConfigStatsReply().setXid(xid)
                    .setEntries(dp.meters.config(f, ((org.projectfloodlight.openflow.protocol.OFMeterConfigStatsRequest) req)
                            .getMeterId())).build());
            case QUEUE -> dp.env().toController(f.buildQueueStatsReply().setXid(xid).setEntries(List.of()).build());
            default -> throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_STAT,
                    "multipart type " + req.getStatsType() + " is not supported");
        }
    }

    private List<FlowEntry> select(Match match, TableId tableId, OFPort outPort, OFGroup outGroup, U64 cookie,
                                   U64 cookieMask) throws OfErrorException {
        MatchSpec spec = MatchTranslator.translate(match);
        List<FlowEntry> l = new ArrayList<>();
        for (int t = 0; t < dp.tableCount(); t++) {
            if (!tableId.equals(TableId.ALL) && tableId.getValue() != t) {
                continue;
            }
            for (FlowEntry e : dp.tables[t].entries()) {
                if (e.spec.isCoveredBy(spec) && FlowMods.outputsTo(e, outPort) && FlowMods.usesGroup(e, outGroup)
                        && FlowMods.cookieFilter(e.cookie, cookie, cookieMask)) {
                    l.add(e);
                }
            }
        }
        return l;
    }

    private void flowStats(OFFlowStatsRequest r) throws OfErrorException {
        boolean v10 = dp.is10();
        List<FlowEntry> sel = v10 ? select(r.getMatch(), r.getTableId(), r.getOutPort(), OFGroup.ANY, U64.ZERO, U64.ZERO)
                : select(r.getMatch(), r.getTableId(), r.getOutPort(), r.getOutGroup(), r.getCookie(), r.getCookieMask());
        OFFactory f = dp.factory();
        long now = dp.now();
        List<OFFlowStatsEntry> entries = new ArrayList<>();
        for (FlowEntry e : sel) {
            long d = now - e.installedNanos;
            OFFlowStatsEntry.Builder b = f.buildFlowStatsEntry().setTableId(TableId.of(e.tableId)).setMatch(e.match)
                    .setDurationSec(d / 1_000_000_000L).setDurationNsec(d % 1_000_000_000L).setPriority(e.priority)
                    .setIdleTimeout(e.idleTimeout).setHardTimeout(e.hardTimeout).setCookie(e.cookie)
                    .setPacketCount(U64.of(e.packetCount)).setByteCount(U64.of(e.byteCount));
            if (v10) {
                b.setActions(e.actions);
            } else {
                b.setInstructions(e.instructions).setFlags(e.flags);
            }
            entries.add(b.build());
        }
        long xid = r.getXid();
        sendParts(entries, Integer.MAX_VALUE, StatsResponder::sizeOf,
                (part, flags) -> f.buildFlowStatsReply().setXid(xid).setFlags(flags).setEntries(part).build());
    }

    private void aggregate(OFAggregateStatsRequest r) throws OfErrorException {
        List<FlowEntry> sel = dp.is10()
                ? select(r.getMatch(), r.getTableId(), r.getOutPort(), OFGroup.ANY, U64.ZERO, U64.ZERO)
                : select(r.getMatch(), r.getTableId(), r.getOutPort(), r.getOutGroup(), r.getCookie(), r.getCookieMask());
        long packets = 0;
        long bytes = 0;
        for (FlowEntry e : sel) {
            packets += e.packetCount;
            bytes += e.byteCount;
        }
        dp.env().toController(dp.factory().buildAggregateStatsReply().setXid(r.getXid()).setPacketCount(U64.of(packets))
                .setByteCount(U64.of(bytes)).setFlowCount(sel.size()).build());
    }

    private void tableStats(long xid) {
        OFFactory f = dp.factory();
        List<OFTableStatsEntry> l = new ArrayList<>();
        for (int t = 0; t < dp.tableCount(); t++) {
            FlowTable table = dp.tables[t];
            OFTableStatsEntry.Builder b = f.buildTableStatsEntry().setTableId(TableId.of(t))
                    .setActiveCount(table.size()).setLookupCount(U64.of(table.lookups))
                    .setMatchedCount(U64.of(table.matched));
            if (dp.is10()) {
                b.setName("table" + t).setWildcards(0x3fffff).setMaxEntries(dp.config().maxFlowsPerTable());
            }
            l.add(b.build());
        }
        dp.env().toController(f.buildTableStatsReply().setXid(xid).setEntries(l).build());
    }

    private void portStats(OFPortStatsRequest r) throws OfErrorException {
        OFFactory f = dp.factory();
        List<SimPort> ports = new ArrayList<>();
        if (r.getPortNo().equals(OFPort.ANY)) {
            ports.addAll(dp.ports());
        } else {
            SimPort p = dp.port(r.getPortNo());
            if (p == null) {
                throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_PORT,
                        "port " + r.getPortNo() + " does not exist");
            }
            ports.add(p);
        }
        long now = dp.now();
        List<OFPortStatsEntry> l = new ArrayList<>();
        for (SimPort p : ports) {
            OFPortStatsEntry.Builder b = f.buildPortStatsEntry().setPortNo(p.number()).setRxPackets(U64.of(p.rxPackets))
                    .setTxPackets(U64.of(p.txPackets)).setRxBytes(U64.of(p.rxBytes)).setTxBytes(U64.of(p.txBytes))
                    .setRxDropped(U64.of(p.rxDropped)).setTxDropped(U64.of(p.txDropped)).setRxErrors(U64.ZERO)
                    .setTxErrors(U64.ZERO);
            if (dp.version().compareTo(OFVersion.OF_14) < 0) {
                b.setRxFrameErr(U64.ZERO).setRxOverErr(U64.ZERO).setRxCrcErr(U64.ZERO).setCollisions(U64.ZERO);
            }
            if (!dp.is10()) {
                long d = now - p.createdNanos;
                b.setDurationSec(d / 1_000_000_000L).setDurationNsec(d % 1_000_000_000L);
            }
            l.add(b.build());
        }
        long xid = r.getXid();
        sendParts(l, Integer.MAX_VALUE, StatsResponder::sizeOf,
                (part, flags) -> f.buildPortStatsReply().setXid(xid).setFlags(flags).setEntries(part).build());
    }

    private void groupStats(OFGroupStatsRequest r) {
        OFFactory f = dp.factory();
        long now = dp.now();
        List<OFGroupStatsEntry> l = new ArrayList<>();
        for (GroupEntry g : dp.groups.values()) {
            if (!r.getGroup().equals(OFGroup.ALL) && r.getGroup().getGroupNumber() != g.groupId) {
                continue;
            }
            List<OFBucketCounter> bc = new ArrayList<>();
            for (int i = 0; i < g.bucketPackets.length; i++) {
                bc.add(f.bucketCounter(U64.of(g.bucketPackets[i]), U64.of(g.bucketBytes[i])));
            }
            long d = now - g.createdNanos;
            l.add(f.buildGroupStatsEntry().setGroup(OFGroup.of(g.groupId)).setRefCount(refCount(g.groupId))
                    .setPacketCount(U64.of(g.packetCount)).setByteCount(U64.of(g.byteCount)).setBucketStats(bc)
                    .setDurationSec(d / 1_000_000_000L).setDurationNsec(d % 1_000_000_000L).build());
        }
        long xid = r.getXid();
        sendParts(l, Integer.MAX_VALUE, StatsResponder::sizeOf,
                (part, flags) -> f.buildGroupStatsReply().setXid(xid).setFlags(flags).setEntries(part).build());
    }

    private long refCount(int groupId) {
        long n = 0;
        for (FlowTable t : dp.tables) {
            for (FlowEntry e : t.entries()) {
                if (FlowMods.usesGroup(e, OFGroup.of(groupId))) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Sends entries in parts of at most {@code maxCount} entries and about 60 kB, REPLY_MORE on all but the last. */
    private <E> void sendParts(List<E> entries, int maxCount, ToIntFunction<E> size,
                               BiFunction<List<E>, Set<OFStatsReplyFlags>, OFMessage> build) {
        List<E> part = new ArrayList<>();
        int bytes = 0;
        List<List<E>> parts = new ArrayList<>();
        for (E e : entries) {
            int s = size.applyAsInt(e);
            if (!part.isEmpty() && (part.size() >= maxCount || bytes + s > MAX_PART_BYTES)) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(e);
            bytes += s;
        }
        parts.add(part);
        for (int i = 0; i < parts.size(); i++) {
            Set<OFStatsReplyFlags> flags = i < parts.size() - 1 ? EnumSet.of(OFStatsReplyFlags.REPLY_MORE)
                    : EnumSet.noneOf(OFStatsReplyFlags.class);
            dp.env().toController(build.apply(parts.get(i), flags));
        }
    }

    private static int sizeOf(Object entry) {
        ByteBuf b = Unpooled.buffer();
        try {
            if (entry instanceof OFFlowStatsEntry e) {
                e.writeTo(b);
            } else if (entry instanceof OFPortStatsEntry e) {
                e.writeTo(b);
            } else if (entry instanceof OFGroupStatsEntry e) {
                e.writeTo(b);
            } else if (entry instanceof OFGroupDescStatsEntry e) {
                e.writeTo(b);
            } else if (entry instanceof OFPortDesc e) {
                e.writeTo(b);
            }
            return b.readableBytes();
        } finally {
            b.release();
        }
    }
}
