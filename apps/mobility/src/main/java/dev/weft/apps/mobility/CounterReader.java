package dev.weft.apps.mobility;

import dev.weft.api.AppCookie;
import dev.weft.api.Switch;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.types.MacAddress;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A logical port's counters at one location, read from the flow entries the tenant pipeline has
 * for it there (no per-VM state in the switch besides those): the ingress entries of table 0 for
 * its switch port (frames it sent, allowed or dropped) and the entry of the L2 stage that delivers
 * its MAC to that port (unicast frames it received). Entries of other networks (another
 * tenant's VM with the same MAC) and the mobility app's own traps are not counted.
 *
 * <p>Sent before the reconciler deletes the entries of a location the port leaves: messages to
 * one switch are handled in order, so the switch answers with the final counts.
 */
final class CounterReader {
    private CounterReader() {
    }

    static CompletableFuture<PortCounters> read(Switch sw, LogicalPort p, OFPort at, int ownAppId) {
        OFFactory f = sw.factory();
        CompletableFuture<List<OFFlowStatsReply>> ingress = sw.requestStats(f.buildFlowStatsRequest()
                .setTableId(TenantPipeline.INGRESS)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, at).build())
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build());
        CompletableFuture<List<OFFlowStatsReply>> delivery = sw.requestStats(f.buildFlowStatsRequest()
                .setTableId(TenantPipeline.L2)
                .setMatch(f.buildMatch().setExact(MatchField.ETH_DST, p.mac()).build())
                .setOutPort(at).setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build());
        return ingress.thenCombine(delivery, (in, out) -> count(in, out, p.segment(), ownAppId));
    }

    /**
     * The counters of every logical port located on {@code sw} ({@code here}): one read of the
     * whole ingress table and one of the whole L2 table, however many ports there are.
     */
    static CompletableFuture<Map<String, PortCounters>> readAll(Switch sw, Map<PortLocation, LogicalPort> here,
                                                                int ownAppId) {
        OFFactory f = sw.factory();
        CompletableFuture<List<OFFlowStatsReply>> ingress = sw.requestStats(f.buildFlowStatsRequest()
                .setTableId(TenantPipeline.INGRESS).setMatch(f.buildMatch().build())
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build());
        CompletableFuture<List<OFFlowStatsReply>> delivery = sw.requestStats(f.buildFlowStatsRequest()
                .setTableId(TenantPipeline.L2).setMatch(f.buildMatch().build())
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build());
        return ingress.thenCombine(delivery, (in, out) -> countAll(in, out, here, ownAppId));
    }

    /**
     * Pure: each located port's counters in whole-table replies. An ingress entry counts for the
     * port whose switch port it matches (in_port) in its network; a delivery entry for the port
     * whose MAC it matches (eth_dst) in its network when it outputs to that port's switch port.
     */
    static Map<String, PortCounters> countAll(List<OFFlowStatsReply> ingress, List<OFFlowStatsReply> delivery,
                                              Map<PortLocation, LogicalPort> here, int ownAppId) {
        Map<Long, LogicalPort> byInPort = new HashMap<>();
        Map<MacKey, List<Map.Entry<PortLocation, LogicalPort>>> byMac = new HashMap<>();
        for (var e : here.entrySet()) {
            LogicalPort p = e.getValue();
            byInPort.put(key(e.getKey().port().getPortNumber(), p.segment()), p);
            byMac.computeIfAbsent(new MacKey(p.mac(), p.segment()), k -> new ArrayList<>()).add(e);
        }
        Map<String, long[]> acc = new HashMap<>();
        for (OFFlowStatsReply r : ingress) {
            for (OFFlowStatsEntry e : r.getEntries()) {
                OFPort in = e.getMatch().get(MatchField.IN_PORT);
                int app = (int) (e.getCookie().getValue() >>> 52);
                if (in == null || app == 0 || app == ownAppId) {
                    continue;
                }
                LogicalPort p = byInPort.get(key(in.getPortNumber(), AppCookie.of(e.getCookie()).network()));
                if (p == null) {
                    continue;
                }
                long[] a = acc.computeIfAbsent(p.name(), k -> new long[5]);
                if (e.getInstructions().isEmpty()) {
                    a[2] += e.getPacketCount().getValue();
                } else {
                    a[0] += e.getPacketCount().getValue();
                    a[1] += e.getByteCount().getValue();
                }
            }
        }
        for (OFFlowStatsReply r : delivery) {
            for (OFFlowStatsEntry e : r.getEntries()) {
                MacAddress dst = e.getMatch().get(MatchField.ETH_DST);
                int app = (int) (e.getCookie().getValue() >>> 52);
                if (dst == null || app == 0 || app == ownAppId || e.getMatch().isPartiallyMasked(MatchField.ETH_DST)) {
                    continue;
                }
                int segment = AppCookie.of(e.getCookie()).network();
                for (var at : byMac.getOrDefault(new MacKey(dst, segment), List.of())) {
                    if (outputsTo(e, at.getKey().port())) {
                        long[] a = acc.computeIfAbsent(at.getValue().name(), k -> new long[5]);
                        a[3] += e.getPacketCount().getValue();
                        a[4] += e.getByteCount().getValue();
                    }
                }
            }
        }
        Map<String, PortCounters> out = new HashMap<>();
        for (LogicalPort p : here.values()) {
            long[] a = acc.getOrDefault(p.name(), new long[5]);
            out.put(p.name(), new PortCounters(a[0], a[1], a[2], a[3], a[4]));
        }
        return out;
    }

    private record MacKey(MacAddress mac, int segment) {
    }

    private static long key(int port, int segment) {
        return ((long) port << 32) | (segment & 0xffffffffL);
    }

    private static boolean outputsTo(OFFlowStatsEntry e, OFPort port) {
        for (OFInstruction i : e.getInstructions()) {
            List<OFAction> actions = i instanceof OFInstructionApplyActions a ? a.getActions()
                    : i instanceof OFInstructionWriteActions w ? w.getActions() : List.of();
            for (OFAction a : actions) {
                if (a instanceof OFActionOutput o && o.getPort().equals(port)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Pure: the counters in these replies that belong to {@code segment}'s entries of other apps. */
    static PortCounters count(List<OFFlowStatsReply> ingress, List<OFFlowStatsReply> delivery, int segment,
                              int ownAppId) {
        long txp = 0;
        long txb = 0;
        long drop = 0;
        for (OFFlowStatsReply r : ingress) {
            for (OFFlowStatsEntry e : r.getEntries()) {
                if (!ours(e, segment, ownAppId)) {
                    continue;
                }
                if (e.getInstructions().isEmpty()) {
                    drop += e.getPacketCount().getValue();
                } else {
                    txp += e.getPacketCount().getValue();
                    txb += e.getByteCount().getValue();
                }
            }
        }
        long rxp = 0;
        long rxb = 0;
        for (OFFlowStatsReply r : delivery) {
            for (OFFlowStatsEntry e : r.getEntries()) {
                if (ours(e, segment, ownAppId)) {
                    rxp += e.getPacketCount().getValue();
                    rxb += e.getByteCount().getValue();
                }
            }
        }
        return new PortCounters(txp, txb, drop, rxp, rxb);
    }

    /** An entry of the tenant pipeline for this network (not ours: traps count nothing the VM sent). */
    private static boolean ours(OFFlowStatsEntry e, int segment, int ownAppId) {
        long v = e.getCookie().getValue();
        int app = (int) (v >>> 52);
        return app != 0 && app != ownAppId && AppCookie.of(e.getCookie()).network() == segment;
    }
}
