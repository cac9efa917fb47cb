package dev.weft.apps.mobility;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.weft.apps.tenantpipeline.TenantPipeline.INGRESS;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;

/**
 * The mobility app's entries in table 0 (pure functions). They sit between the isolation app's
 * default deny (priority 0) and its per-port entries (100 and up), so they only ever see frames
 * from ports that no logical port is located at:
 * <ul>
 *   <li>{@value #PENDING}: a pending place of a port (its interface exists there, but the port is
 *       in use elsewhere): frames from the port's MAC go to the controller, so the VM's first
 *       frame there (its gratuitous ARP, RARP or anything) shows it has arrived;</li>
 *   <li>{@value #ANNOUNCE}: on every transport node when MAC-bound ports exist: broadcast ARP and
 *       RARP go to the controller, so a MAC-bound VM's announcement at a new port is seen.</li>
 * </ul>
 */
final class TrapFlows {
    static final int ANNOUNCE = 1;
    static final int PENDING = 2;
    static final EthType RARP = EthType.of(0x8035);

    private TrapFlows() {
    }

    private static List<OFInstruction> toController() {
        return List.of(OF.instructions().applyActions(List.of(OF.actions().output(OFPort.CONTROLLER, 0xffff))));
    }

    /** Traps for one network's pending places. */
    static Map<DatapathId, List<FlowSpec>> pending(Map<PortLocation, LogicalPort> places) {
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        List<OFInstruction> up = toController();
        for (var e : places.entrySet()) {
            out.computeIfAbsent(e.getKey().dpid(), d -> new ArrayList<>()).add(new FlowSpec(INGRESS, PENDING,
                    OF.buildMatch().setExact(MatchField.IN_PORT, e.getKey().port())
                            .setExact(MatchField.ETH_SRC, e.getValue().mac()).build(), up));
        }
        return out;
    }

    /** Announcement traps on every transport node, when the configuration binds ports by MAC. */
    static Map<DatapathId, List<FlowSpec>> announcements(NetworkConfig config, boolean anyByMac) {
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        if (!anyByMac) {
            return out;
        }
        List<OFInstruction> up = toController();
        for (TransportNode n : config.transportNodes()) {
            out.put(n.dpid(), List.of(
                    new FlowSpec(INGRESS, ANNOUNCE, OF.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP)
                            .setExact(MatchField.ETH_DST, MacAddress.BROADCAST).build(), up),
                    new FlowSpec(INGRESS, ANNOUNCE, OF.buildMatch().setExact(MatchField.ETH_TYPE, RARP)
                            .setExact(MatchField.ETH_DST, MacAddress.BROADCAST).build(), up)));
        }
        return out;
    }
}
