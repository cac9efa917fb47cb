package dev.weft.topology;

import dev.weft.api.Switch;
import dev.weft.api.host.HostService;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.topology.TopologyManager;
import dev.weft.core.topology.TopologySettings;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.net.SimNetwork;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Weft (event-log + forwarding) on a loopback port, and a simulated network connected to it. */
final class SimFixture implements AutoCloseable {
    final Controller weft;
    final SimNetwork net;
    final TopologyManager topology;
    final HostService hosts;
    final EventLog events;
    /** Last switch connected in Weft (handshake done) → last link discovered. */
    final Duration discovery;
    /** First switch connected in Weft → last link discovered. */
    final Duration discoveryFromFirst;
    private final Map<String, DatapathId> dpids = new HashMap<>();
    private final Map<DatapathId, String> names = new HashMap<>();

    SimFixture(String topo, OFVersion version, TopologySettings settings) throws Exception {
        weft = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .apps(List.of("event-log", "forwarding")).dispatchThreads(2)
                .topology(settings).build());
        SimNetwork n = null;
        try {
            topology = (TopologyManager) weft.service(TopologyService.class).orElseThrow();
            hosts = weft.service(HostService.class).orElseThrow();
            events = EventLog.last();
            InetSocketAddress a = weft.openflowAddresses().get(0);
            n = SimNetwork.builder().controller(a.getHostString(), a.getPort())
                    .topology(dev.weft.sim.net.Topology.parse(topo)).versions(version).build();
            net = n;
            net.switches().forEach(s -> {
                dpids.put(s.name(), s.dpid());
                names.put(s.dpid(), s.name());
            });
            int switches = net.switches().size();
            await(() -> weft.switches().all().size() == switches, Duration.ofSeconds(20), "switches connected");
            Set<Link> expected = simLinks();
            await(() -> topology.current().links().equals(expected), Duration.ofSeconds(20), "all links discovered");
            // The apps hear of a link after the topology has it: wait for the events too (CI,
            // 2026-12-07: ring,4 with 100 ms probes was read before any LinkAdded was delivered).
            await(() -> events.events(dev.weft.api.event.LinkAdded.class).stream()
                    .map(dev.weft.api.event.LinkAdded::link).collect(java.util.stream.Collectors.toSet())
                    .containsAll(expected), Duration.ofSeconds(20), "every link's LinkAdded delivered");
            java.time.Instant lastLink = events.lastLinkAdded();
            discovery = Duration.between(weft.switches().all().stream().map(Switch::connectedSince)
                    .max(java.util.Comparator.naturalOrder()).orElseThrow(), lastLink);
            discoveryFromFirst = Duration.between(weft.switches().all().stream().map(Switch::connectedSince)
                    .min(java.util.Comparator.naturalOrder()).orElseThrow(), lastLink);
            net.awaitReady(Duration.ofSeconds(10));
            // Every host port settled as an edge port.
            int hostCount = net.hosts().size();
            await(() -> topology.current().edgePorts().size() == hostCount
                    && topology.current().switches().stream().allMatch(d -> topology.current().ports(d).values()
                    .stream().noneMatch(r -> r == PortRole.PENDING)), Duration.ofSeconds(20), "edge ports settled");
        } catch (Exception | Error e) {
            if (n != null) {
                n.close();
            }
            weft.close();
            throw e;
        }
    }

    /** The simulator's cables, as Weft's directed links. */
    Set<Link> simLinks() {
        Set<Link> s = new HashSet<>();
        for (dev.weft.sim.net.Link l : net.links()) {
            if (l.isUp()) {
                SwitchPort a = new SwitchPort(dpid(l.switchA()), l.portA());
                SwitchPort b = new SwitchPort(dpid(l.switchB()), l.portB());
                s.add(new Link(a, b));
                s.add(new Link(b, a));
            }
        }
        return s;
    }

    DatapathId dpid(String sw) {
        return dpids.get(sw);
    }

    String name(DatapathId d) {
        return names.get(d);
    }

    Topology current() {
        return topology.current();
    }

    Switch sw(String name) {
        return weft.switches().get(dpid(name)).orElseThrow();
    }

    /** The output ports of a flow entry. */
    static List<OFPort> outputs(FlowSnapshot f) {
        List<OFAction> actions = new ArrayList<>(f.actions());
        for (OFInstruction i : f.instructions()) {
            if (i instanceof OFInstructionApplyActions aa) {
                actions.addAll(aa.getActions());
            }
        }
        return actions.stream().filter(a -> a instanceof OFActionOutput).map(a -> ((OFActionOutput) a).getPort())
                .toList();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(what + ": not within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    @Override
    public void close() {
        try {
            net.close();
        } finally {
            weft.close();
        }
    }
}
