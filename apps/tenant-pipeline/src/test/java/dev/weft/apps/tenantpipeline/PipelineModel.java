package dev.weft.apps.tenantpipeline;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import dev.weft.sim.inprocess.InProcessFabric;
import dev.weft.sim.inprocess.InProcessSwitch;
import dev.weft.sim.inprocess.Reach;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant pipeline on every transport node of a {@link FabricView}, in process: one simulated
 * switch per hypervisor holding exactly the entries the given compilers produce for it (every
 * network's and the base entries), each located logical port a host named after it, and the
 * tunnels the view knows joined end to end (a frame keeps its tunnel id across). Specs then say
 * what a frame does:
 * <pre>
 * PipelineModel m = PipelineModel.of(view, new IsolationCompiler(), new L2Compiler());
 * Reach r = m.send("acme-web1", Frames.from(web1.mac(), web1.ip()).to(web2.mac(), web2.ip()).echoRequest(1, 1));
 * assertTrue(r.reachedOnly("acme-web2"));
 * assertEquals(List.of(5001L), r.only("acme-web2").tunnelIds());
 * </pre>
 */
public final class PipelineModel {
    private FabricView view;
    private final InProcessFabric fabric = new InProcessFabric();
    private final Map<DatapathId, String> names = new HashMap<>();

    private PipelineModel(FabricView view, List<NetworkFlowsKeeper.Compiler> compilers) {
        this(view, null, Map.of(), compilers);
    }

    private PipelineModel(FabricView view, com.google.common.base.Ticker ticker,
                          Map<DatapathId, List<org.projectfloodlight.openflow.protocol.OFMessage>> setup,
                          List<NetworkFlowsKeeper.Compiler> compilers) {
        this.view = view;
        for (TransportNode n : view.config().transportNodes()) {
            if (ticker == null) {
                fabric.addSwitch(n.name(), n.dpid());
            } else {
                fabric.addSwitch(n.name(), n.dpid(), ticker);
            }
            names.put(n.dpid(), n.name());
        }
        setup.forEach((dpid, msgs) -> fabric.switchNamed(names.get(dpid)).apply(msgs));
        for (LogicalPort p : view.config().ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isPresent() && names.containsKey(at.get().dpid())) {
                fabric.host(p.name(), names.get(at.get().dpid()), at.get().port());
            }
        }
        joinTunnels();
        program(compilers);
    }

    private void program(List<NetworkFlowsKeeper.Compiler> compilers) {
        Map<DatapathId, List<FlowSpec>> flows = new HashMap<>();
        for (NetworkFlowsKeeper.Compiler c : compilers) {
            c.base(view).forEach((d, l) -> flows.computeIfAbsent(d, k -> new ArrayList<>()).addAll(l));
            for (LogicalNetwork net : view.config().networks()) {
                c.network(net, view).forEach((d, l) -> flows.computeIfAbsent(d, k -> new ArrayList<>()).addAll(l));
            }
        }
        flows.forEach((dpid, specs) -> {
            if (!names.containsKey(dpid)) {
                throw new IllegalStateException("entries for " + dpid + ", which is no transport node: " + specs);
            }
            fabric.switchNamed(names.get(dpid)).apply(specs.stream().map(PipelineModel::flowAdd).toList());
        });
    }

    /**
     * A migration: {@code vm} is plugged in where {@code after} says, and every switch's entries are
     * replaced by what {@code compilers} make of {@code after} (with {@code setup} first: meters).
     * The switches keep everything else, their connection trackers included, as real ones do.
     */
    public PipelineModel migrate(String vm, FabricView after,
                                 Map<DatapathId, List<org.projectfloodlight.openflow.protocol.OFMessage>> setup,
                                 NetworkFlowsKeeper.Compiler... compilers) {
        PortLocation to = after.location(after.config().port(vm).orElseThrow()).orElseThrow();
        this.view = after;
        fabric.move(vm, names.get(to.dpid()), to.port());
        for (String name : names.values()) {
            fabric.switchNamed(name).apply(TenantPipeline.OF.buildFlowDelete()
                    .setTableId(org.projectfloodlight.openflow.types.TableId.ALL).build());
        }
        setup.forEach((dpid, msgs) -> fabric.switchNamed(names.get(dpid)).apply(msgs));
        program(List.of(compilers));
        return this;
    }

    /** The model of {@code view} with the entries of {@code compilers}, in pipeline order. */
    public static PipelineModel of(FabricView view, NetworkFlowsKeeper.Compiler... compilers) {
        return new PipelineModel(view, List.of(compilers));
    }

    /**
     * As {@link #of}, on switches whose clock is {@code ticker}, each first given its {@code setup}
     * messages (meters, say: what an app sends besides its flow entries).
     */
    public static PipelineModel of(FabricView view, com.google.common.base.Ticker ticker,
                                   Map<DatapathId, List<org.projectfloodlight.openflow.protocol.OFMessage>> setup,
                                   NetworkFlowsKeeper.Compiler... compilers) {
        return new PipelineModel(view, ticker, setup, List.of(compilers));
    }

    /** A spec as the flow programmer sends it (cookies aside). */
    public static OFFlowAdd flowAdd(FlowSpec spec) {
        return TenantPipeline.OF.buildFlowAdd().setTableId(spec.table()).setPriority(spec.priority())
                .setMatch(spec.match()).setInstructions(spec.instructions()).build();
    }

    /** Both ends of each tunnel the view knows; a tunnel port only one end reported leads nowhere. */
    private void joinTunnels() {
        // Flow-based ports: one per node, reaching every other node's by its tunnel IP.
        view.flowTunnels().forEach((dpid, port) -> view.config().node(dpid).ifPresent(n ->
                fabric.flowTunnel(n.name(), port, n.tunnelIp().getInt() & 0xffffffffL)));
        view.tunnels().forEach((dpid, ports) -> {
            TransportNode here = view.config().node(dpid).orElse(null);
            if (here == null || view.flowTunnels().containsKey(dpid)) {
                return;
            }
            ports.forEach((remoteName, port) -> {
                TransportNode there = view.config().transportNodes().stream()
                        .filter(n -> n.name().equals(remoteName)).findFirst().orElse(null);
                Optional<OFPort> back = there == null ? Optional.empty() : view.tunnel(there.dpid(), here);
                if (back.isPresent()) {
                    if (here.name().compareTo(there.name()) < 0) {
                        fabric.tunnel(here.name(), port, there.name(), back.get());
                    }
                } else if (!fabric.switchNamed(here.name()).hasPort(port)) {
                    fabric.switchNamed(here.name()).addPort(port, "vx-" + remoteName);
                }
            });
        });
    }

    /** The logical port {@code vm} sends {@code frame}: where does it end up? */
    public Reach send(String vm, byte[] frame) {
        return fabric.send(vm, frame);
    }

    /**
     * A frame arrives at {@code node} through its tunnel from {@code remote}, with tunnel id
     * {@code tunnelId} (what {@code remote}, or whoever can send on the underlay, put there).
     */
    public Reach fromTunnel(String node, String remote, long tunnelId, byte[] frame) {
        TransportNode n = node(node);
        TransportNode r = node(remote);
        OFPort port = view.tunnel(n.dpid(), r).orElseThrow(
                () -> new IllegalArgumentException(node + " has no tunnel to " + remote + " in this view"));
        return fabric.sendFromTunnel(node, port, tunnelId, frame);
    }

    /**
     * A frame arrives at {@code node}'s flow-based tunnel port with tunnel id {@code tunnelId} from
     * underlay address {@code source} (a hypervisor's, or anyone's who can reach the port).
     */
    public Reach fromFlowTunnel(String node, IPv4Address source, long tunnelId, byte[] frame) {
        TransportNode n = view.config().node(node).orElseThrow();
        OFPort port = Optional.ofNullable(view.flowTunnels().get(n.dpid())).orElseThrow(
                () -> new IllegalArgumentException(node + " has no flow-based tunnel port in this view"));
        return fabric.sendFromFlowTunnel(node, port, tunnelId, source.getInt() & 0xffffffffL, frame);
    }

    /** A frame arrives at {@code node} on {@code port} from a tunnel the view does not know. */
    public Reach fromTunnelPort(String node, OFPort port, long tunnelId, byte[] frame) {
        InProcessSwitch s = fabric.switchNamed(node(node).name());
        if (!s.hasPort(port)) {
            s.addPort(port, "vx-unknown-" + port.getPortNumber());
        }
        return fabric.sendFromTunnel(node, port, tunnelId, frame);
    }

    /** Plugs something that is no logical port (a stranger, a VM Weft was not told about) into a port. */
    public PipelineModel plug(String host, String node, OFPort port) {
        fabric.host(host, node(node).name(), port);
        return this;
    }

    public InProcessSwitch hypervisor(String node) {
        return fabric.switchNamed(node(node).name());
    }

    public LogicalPort port(String name) {
        return view.config().port(name).orElseThrow(() -> new IllegalArgumentException("no logical port " + name));
    }

    private TransportNode node(String name) {
        return view.config().transportNodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport node " + name));
    }

    /**
     * The metadata a packet-in carried (what earlier stages wrote), for probes that send what
     * reaches a stage to the controller.
     */
    public static long metadata(Reach.PacketInAt at) {
        OFPacketIn pi = at.packetIn();
        OFMetadata m = pi.getMatch().get(MatchField.METADATA);
        return m == null ? 0 : m.getValue().getValue();
    }
}
