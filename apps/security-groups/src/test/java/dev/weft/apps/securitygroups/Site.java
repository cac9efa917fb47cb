package dev.weft.apps.securitygroups;

import com.google.common.base.Ticker;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.SecurityRule;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test fixtures: a small site (hypervisors, tenants, groups) and its pipeline on in-process switches. */
final class Site {
    static final TransportNode HV1 = new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"));
    static final TransportNode HV2 = new TransportNode("hv2", DatapathId.of(2), IPv4Address.of("10.77.0.2"));

    private Site() {
    }

    /** A clock a test moves. */
    static final class Clock extends Ticker {
        long nanos = 1_000_000_000L;

        @Override
        public long read() {
            return nanos;
        }
    }

    static LogicalPort port(String name, String tenant, int seg, int mac, String ip, List<String> groups) {
        return port(name, tenant, seg, mac, ip, groups, RateLimit.NONE);
    }

    static LogicalPort port(String name, String tenant, int seg, int mac, String ip, List<String> groups,
                            RateLimit limit) {
        return new LogicalPort(name, tenant, "net", seg, MacAddress.of(0x020000000000L + mac),
                List.of(IPv4Address.of(ip)), new Binding.Interface("vm-" + name), new PortPolicy(groups, limit));
    }

    static SecurityRule in(SecurityRule.Protocol p, int port, String remoteGroup) {
        return new SecurityRule(SecurityRule.Direction.INGRESS, p, port, port, -1, Optional.empty(),
                Optional.ofNullable(remoteGroup));
    }

    static SecurityRule inFrom(SecurityRule.Protocol p, int min, int max, String cidr) {
        return new SecurityRule(SecurityRule.Direction.INGRESS, p, min, max, -1,
                Optional.of(IPv4AddressWithMask.of(cidr)), Optional.empty());
    }

    static SecurityRule out(SecurityRule.Protocol p, int port) {
        return new SecurityRule(SecurityRule.Direction.EGRESS, p, port, port, -1, Optional.empty(), Optional.empty());
    }

    static SecurityRule icmpIn(String remoteGroup) {
        return new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.ICMP, 0, 0, 8, Optional.empty(),
                Optional.ofNullable(remoteGroup));
    }

    static Tenant tenant(String name, int seg, List<SecurityGroup> groups, LogicalPort... ports) {
        return new Tenant(name, List.of(new LogicalNetwork(name, "net", seg, Optional.empty(), List.of(ports))),
                List.of(), groups);
    }

    static Map<DatapathId, Map<String, OFPort>> tunnels(NetworkConfig cfg) {
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        for (TransportNode a : cfg.transportNodes()) {
            Map<String, OFPort> m = new HashMap<>();
            for (TransportNode b : cfg.transportNodes()) {
                if (a != b) {
                    m.put(b.name(), OFPort.of(100 + (int) b.dpid().getLong()));
                }
            }
            t.put(a.dpid(), m);
        }
        return t;
    }

    static FabricView view(NetworkConfig cfg, Map<String, PortLocation> at) {
        return new FabricView(cfg, at, tunnels(cfg));
    }

    static PortLocation at(TransportNode n, int port) {
        return new PortLocation(n.dpid(), OFPort.of(port));
    }

    /** The whole pipeline (isolation, security groups with their meters, L2) of a view. */
    static PipelineModel model(FabricView view, PolicyCompiler policy, Zones zones, Ticker clock) {
        Map<DatapathId, List<OFMessage>> meters = new HashMap<>();
        MeterKeeper.desired(view, zones, policy, d -> true).forEach((dpid, ms) -> {
            List<OFMessage> l = new ArrayList<>();
            ms.values().forEach(m -> l.add(MeterKeeper.meterMod(OFMeterModCommand.ADD, m)));
            meters.put(dpid, l);
        });
        return PipelineModel.of(view, clock, meters, new IsolationCompiler(), policy, new L2Compiler());
    }
}
