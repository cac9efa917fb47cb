package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Switch;
import dev.weft.api.host.Host;
import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.flow.FlowTableView;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.openflow.SwitchTotals;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.VlanVid;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the API. Keys are kebab-case, as in the config file, and a tenant, network
 * or logical port is shown in the very shape the config file (and a POST) gives it, plus what
 * only the controller knows (where a port is now). Times are ISO-8601 UTC; datapath ids as
 * {@code 00:00:00:00:00:00:00:a1}.
 */
final class Views {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Views() {
    }

    static String version(OFVersion v) {
        return switch (v) {
            case OF_10 -> "1.0";
            case OF_11 -> "1.1";
            case OF_12 -> "1.2";
            case OF_13 -> "1.3";
            case OF_14 -> "1.4";
            case OF_15 -> "1.5";
            default -> v.toString();
        };
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return RestSettings.text(i);
        }
        return String.valueOf(a);
    }

    static ObjectNode switchView(Switch sw, NetworkConfig cfg, Optional<Reconciler.Stats> stats,
                                 Optional<SwitchTotals> totals) {
        ObjectNode o = F.objectNode();
        o.put("dpid", sw.id().toString());
        o.put("transport-node", cfg.node(sw.id()).map(TransportNode::name).orElse(null));
        o.put("openflow-version", version(sw.version()));
        o.put("address", address(sw.remoteAddress()));
        o.put("connected-since", sw.connectedSince().toString());
        ArrayNode ports = o.putArray("ports");
        sw.ports().stream().filter(p -> SwitchPort.isPhysical(p.getPortNo()) || p.getPortNo().equals(OFPort.LOCAL))
                .sorted(Comparator.comparingLong(p -> Integer.toUnsignedLong(p.getPortNo().getPortNumber())))
                .forEach(p -> ports.add(portDesc(p)));
        stats.ifPresent(s -> o.set("flows", flowStats(s)));
        totals.ifPresent(t -> {
            ObjectNode c = o.putObject("counters");
            c.put("packet-ins", t.packetIns());
            c.put("flow-mods", t.flowMods());
            c.put("errors", t.errors());
            c.put("connections", t.connections());
            c.put("last-handshake-ms", Math.round(t.lastHandshakeNanos() / 1e4) / 100.0);
            ObjectNode faults = c.putObject("peer-faults");
            t.peerFaults().forEach((kind, n) -> faults.put(kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), n));
        });
        return o;
    }

    static ObjectNode portDesc(OFPortDesc p) {
        ObjectNode o = F.objectNode();
        o.put("number", p.getPortNo().equals(OFPort.LOCAL) ? "local" : Integer.toUnsignedString(p.getPortNo().getPortNumber()));
        o.put("name", p.getName());
        o.put("hw-addr", p.getHwAddr().toString());
        o.put("up", !p.getConfig().contains(OFPortConfig.PORT_DOWN) && !p.getState().contains(OFPortState.LINK_DOWN));
        return o;
    }

    static ObjectNode flowStats(Reconciler.Stats s) {
        ObjectNode o = F.objectNode();
        o.put("desired", s.desired());
        o.put("installed", s.installed());
        o.put("flow-mods-sent", s.flowModsSent());
        o.put("adopted", s.adopted());
        o.put("repaired", s.repaired());
        o.put("errors", s.errors());
        return o;
    }

    static ObjectNode switchPort(SwitchPort p) {
        ObjectNode o = F.objectNode();
        o.put("dpid", p.dpid().toString());
        o.put("port", p.port().getPortNumber());
        return o;
    }

    static ObjectNode link(Link l) {
        ObjectNode o = F.objectNode();
        o.set("src", switchPort(l.src()));
        o.set("dst", switchPort(l.dst()));
        return o;
    }

    static ObjectNode host(Host h) {
        ObjectNode o = F.objectNode();
        o.put("mac", h.mac().toString());
        if (h.vlan().equals(VlanVid.ZERO)) {
            o.putNull("vlan");
        } else {
            o.put("vlan", h.vlan().getVlan());
        }
        o.set("location", switchPort(h.location()));
        ArrayNode ips = o.putArray("ips");
        h.ips().forEach(ip -> ips.add(ip.toString()));
        o.put("first-seen", h.firstSeen().toString());
        o.put("last-seen", h.lastSeen().toString());
        return o;
    }

    static ObjectNode location(PortLocation l, NetworkConfig cfg) {
        ObjectNode o = F.objectNode();
        o.put("dpid", l.dpid().toString());
        o.put("transport-node", cfg.node(l.dpid()).map(TransportNode::name).orElse(null));
        o.put("port", l.port().getPortNumber());
        return o;
    }

    static JsonNode optionalLocation(Optional<PortLocation> l, NetworkConfig cfg) {
        return l.<JsonNode>map(x -> location(x, cfg)).orElse(F.nullNode());
    }

    static ObjectNode tenant(Tenant t, Map<String, PortLocation> where, NetworkConfig cfg) {
        ObjectNode o = F.objectNode();
        o.put("name", t.name());
        ArrayNode nets = o.putArray("networks");
        t.networks().forEach(n -> nets.add(network(n, where, cfg, false)));
        o.set("routers", RouterViews.routers(t));
        if (!t.securityGroups().isEmpty()) {
            ArrayNode groups = o.putArray("security-groups");
            t.securityGroups().forEach(g -> groups.add(g.name()));
        }
        return o;
    }

    static ObjectNode network(LogicalNetwork n, Map<String, PortLocation> where, NetworkConfig cfg, boolean qualified) {
        ObjectNode o = F.objectNode();
        if (qualified) {
            o.put("tenant", n.tenant());
        }
        o.put("name", n.name());
        o.put("segment", n.segment());
        n.subnet().ifPresent(s -> o.put("subnet", s.toString()));
        RouterViews.into(o, n, cfg);
        ArrayNode ports = o.putArray("ports");
        n.ports().forEach(p -> ports.add(port(p, where, cfg, false)));
        return o;
    }

    static ObjectNode port(LogicalPort p, Map<String, PortLocation> where, NetworkConfig cfg, boolean qualified) {
        ObjectNode o = F.objectNode();
        o.put("name", p.name());
        if (qualified) {
            o.put("tenant", p.tenant());
            o.put("network", p.network());
            o.put("segment", p.segment());
        }
        o.put("mac", p.mac().toString());
        ArrayNode ips = o.putArray("ips");
        p.ips().stream().map(IPv4Address::toString).forEach(ips::add);
        o.set("binding", binding(p.binding(), cfg));
        SecurityGroupRoutes.policy(p, o);
        o.set("location", optionalLocation(Optional.ofNullable(where.get(p.name())), cfg));
        return o;
    }

    static ObjectNode binding(Binding b, NetworkConfig cfg) {
        ObjectNode o = F.objectNode();
        if (b instanceof Binding.Interface i) {
            o.put("interface", i.name());
        } else if (b instanceof Binding.ByMac) {
            o.put("by-mac", true);
        } else if (b instanceof Binding.IfaceId) {
            o.put("iface-id", true);
        } else if (b instanceof Binding.Static s) {
            o.put("switch", cfg.node(s.dpid()).map(TransportNode::name).orElse(s.dpid().toString()));
            o.put("port", s.port().getPortNumber());
        }
        return o;
    }

    static ObjectNode transportNode(TransportNode n, boolean connected, Map<String, OFPort> tunnels) {
        ObjectNode o = F.objectNode();
        o.put("name", n.name());
        o.put("datapath-id", n.dpid().toString());
        o.put("tunnel-ip", n.tunnelIp().toString());
        n.ovsdb().ifPresent(a -> o.put("ovsdb", a));
        o.put("connected", connected);
        ObjectNode t = o.putObject("tunnels");
        tunnels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> t.put(e.getKey(), e.getValue().getPortNumber()));
        return o;
    }

    static ObjectNode reload(ReloadResult r) {
        ObjectNode o = F.objectNode();
        o.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        o.put("message", r.message());
        ArrayNode segs = o.putArray("changed-segments");
        r.changedSegments().stream().sorted().forEach(segs::add);
        return o;
    }

    static ObjectNode counters(PortCounters c) {
        ObjectNode o = F.objectNode();
        o.put("tx-packets", c.txPackets());
        o.put("tx-bytes", c.txBytes());
        o.put("tx-dropped", c.txDropped());
        o.put("rx-packets", c.rxPackets());
        o.put("rx-bytes", c.rxBytes());
        return o;
    }

    static ObjectNode migration(Migration m, NetworkConfig cfg) {
        ObjectNode o = F.objectNode();
        o.put("sequence", m.sequence());
        o.put("kind", m.kind() == Migration.Kind.LOGICAL_PORT ? "logical-port" : "host");
        o.put("subject", m.subject());
        o.put("network", m.network().isEmpty() ? null : m.network());
        o.put("mac", m.mac().toString());
        o.set("from", optionalLocation(m.from(), cfg));
        o.set("to", location(m.to(), cfg));
        o.put("cause", m.cause());
        o.put("detected-at", m.detectedAt().toString());
        putMillis(o, "convergence-ms", m.convergence());
        putMillis(o, "controller-ms", m.controller());
        o.put("flow-mods", m.totalFlowMods());
        ArrayNode un = o.putArray("unconfirmed");
        m.unconfirmed().stream().map(DatapathId::toString).sorted().forEach(un::add);
        return o;
    }

    private static void putMillis(ObjectNode o, String key, Optional<Duration> d) {
        if (d.isPresent()) {
            o.put(key, Math.round(d.get().toNanos() / 1e4) / 100.0);
        } else {
            o.putNull(key);
        }
    }

    static ObjectNode flowTable(FlowTableView v, Map<Integer, String> appNames, String stateFilter, String appFilter) {
        ObjectNode o = F.objectNode();
        o.put("dpid", v.dpid().toString());
        o.put("connected", v.connected());
        o.put("synced", v.synced());
        o.put("startup-hold", v.holding());
        o.set("counts", flowStats(v.stats()));
        ArrayNode entries = o.putArray("entries");
        for (FlowTableView.Entry e : v.entries()) {
            String state = e.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            int appId = e.desired().map(FlowTableView.Desired::appId)
                    .orElseGet(() -> (int) (e.installed().get().cookie().getValue() >>> 52));
            String app = appNames.getOrDefault(appId, "app#" + appId);
            if ((stateFilter != null && !stateFilter.equals(state)) || (appFilter != null && !appFilter.equals(app))) {
                continue;
            }
            ObjectNode x = entries.addObject();
            x.put("table", e.table().getValue());
            x.put("priority", e.priority());
            x.put("match", FlowText.match(e.fields()));
            x.put("app", app);
            x.put("network", e.desired().map(FlowTableView.Desired::scope)
                    .orElseGet(() -> (int) ((e.installed().get().cookie().getValue() >>> 28) & 0xFFFFFF)));
            x.put("state", state);
            x.put("desired", e.desired().map(d -> FlowText.instructions(d.instructions())).orElse(null));
            x.put("installed", e.installed().map(d -> FlowText.instructions(d.instructions())).orElse(null));
            x.put("cookie", e.desired().map(FlowTableView.Desired::cookie)
                    .orElseGet(() -> e.installed().get().cookie()).toString());
        }
        return o;
    }

    static String instant(Instant i) {
        return i.toString();
    }

    static ArrayNode array(List<? extends JsonNode> nodes) {
        ArrayNode a = F.arrayNode();
        nodes.forEach(a::add);
        return a;
    }
}
