package dev.weft.apps.dhcp;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.Presence;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.apps.tenantpipeline.TenantPipeline.ARP;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;

/**
 * DHCP's part of the tenant pipeline for a network with DHCP, on each hypervisor where it has
 * ports: in the L3 stage, every DHCP request sent there (from UDP port 68 to 67, with or without
 * an address yet) goes to the controller, whole, and nowhere else; when the server is not a
 * router's port, ARP for the server's address is answered in place (the client sends its renewals
 * to it). A pure function of a {@link FabricView}.
 */
public final class DhcpCompiler implements NetworkFlowsKeeper.Compiler {
    static final int ARP_ANSWER = 200;
    static final List<OFInstruction> TO_CONTROLLER = List.of(OF.instructions().applyActions(
            List.of(OF.actions().output(OFPort.CONTROLLER, 0xffff))));

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        if (net.dhcp().isEmpty()) {
            return Map.of();
        }
        DhcpSettings d = net.dhcp().get();
        boolean ownServer = view.config().router(net.segment()).isEmpty();
        OFOxms x = OF.oxms();
        // Sent here, with or without the unaddressed bit.
        var sent = x.metadataMasked(OFMetadata.of(TenantPipeline.metadata(net.segment(), false)),
                OFMetadata.of(U64.of(TenantPipeline.SEGMENT_MASK | TenantPipeline.FROM_TUNNEL)));
        FlowSpec punt = FlowSpec.of(L3, TenantPipeline.L3_DHCP, TO_CONTROLLER, sent, x.ethType(EthType.IPv4),
                x.ipProto(IpProtocol.UDP), x.udpSrc(TransportPort.of(68)), x.udpDst(TransportPort.of(67)));
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        for (DatapathId h : Presence.hosts(net, view)) {
            out.computeIfAbsent(h, k -> new ArrayList<>()).add(punt);
        }
        if (ownServer) {
            for (LogicalPort p : net.ports()) {
                Optional<PortLocation> at = view.location(p);
                if (at.isEmpty() || !out.containsKey(at.get().dpid())) {
                    continue;
                }
                for (IPv4Address ip : p.ips()) {
                    out.get(at.get().dpid()).add(FlowSpec.of(ARP, ARP_ANSWER, List.of(OF.instructions().applyActions(
                                    List.of(OF.actions().setField(x.ethDst(p.mac())),
                                            OF.actions().setField(x.ethSrc(d.serverMac())),
                                            OF.actions().setField(x.arpOp(ArpOpcode.REPLY)),
                                            OF.actions().setField(x.arpSha(d.serverMac())),
                                            OF.actions().setField(x.arpSpa(d.server())),
                                            OF.actions().setField(x.arpTha(p.mac())),
                                            OF.actions().setField(x.arpTpa(ip)),
                                            OF.actions().output(OFPort.IN_PORT, 0)))),
                            x.inPort(at.get().port()), x.ethType(EthType.ARP), x.arpOp(ArpOpcode.REQUEST),
                            x.arpSpa(ip), x.arpTpa(d.server())));
                }
            }
        }
        return out;
    }
}
