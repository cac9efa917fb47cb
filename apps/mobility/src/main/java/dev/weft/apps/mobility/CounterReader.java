package dev.weft.apps.mobility;

import dev.weft.api.AppCookie;
import dev.weft.api.Switch;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;
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
