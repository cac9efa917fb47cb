package dev.weft.sim.net;

import dev.weft.sim.channel.ControllerConnection;
import dev.weft.sim.datapath.Datapath;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.datapath.Frame;
import dev.weft.sim.datapath.GroupSnapshot;
import dev.weft.sim.datapath.PortCounters;
import dev.weft.sim.datapath.SimPort;
import dev.weft.sim.packet.Frames;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated network: OpenFlow switches (each with its own TCP connection to the controller),
 * links, hosts and hypervisor tunnels, all running on one {@code sim-loop} thread.
 *
 * <p>Use it from JUnit:
 * <pre>
 * try (SimNetwork net = SimNetwork.builder().controller("127.0.0.1", port)
 *         .topology(Topology.parse("linear,4")).versions(OFVersion.OF_13).build()) {
 *     net.awaitConnected(Duration.ofSeconds(5));
 *     assertTrue(net.ping("h1", "h4").success());
 *     Delivery d = net.trace("h1", frame);
 *     assertTrue(d.reachedExactly("h4"));
 * }
 * </pre>
 *
 * <p><b>Quiescence rule</b> for {@link #trace}, {@link #ping} and friends: the injected frame and
 * everything it causes carry one trace id (buffered packets keep it; a PACKET_OUT continues the
 * trace of its buffer, of a recent packet-in with the same bytes, or — for any other non-LLDP
 * PACKET_OUT while the trace has an unanswered packet-in on that switch — counts as the
 * controller's answer). A trace is over when no frame of it is queued and either every packet-in
 * it caused has been answered and nothing happened for {@code settle} (default 20 ms), or nothing
 * happened for {@code unansweredGrace} (default 300 ms). Each trace is bounded by a timeout
 * (default 5 s). Traces run one at a time.
 *
 * <p>All methods are thread-safe; operations are applied on the sim-loop before they return.
 */
public final class SimNetwork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimNetwork.class);
    private static final AtomicInteger NETWORKS = new AtomicInteger();

    private final SimNetworkBuilder cfg;
    private final SimLoop loop;
    private final ControllerLinks controllers;
    private final Tracer tracer;
    private final Cabling cabling;
    private final FrameCarrier carrier;
    private final Probes probes;
    private final Map<String, SimSwitch> switches = new LinkedHashMap<>();
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private final ConnectionWaiter waiter = new ConnectionWaiter(switches.values());
    private final ScheduledFuture<?> expiry;
    private volatile boolean closed;

    SimNetwork(SimNetworkBuilder b) {
        this.cfg = b;
        int n = NETWORKS.incrementAndGet();
        this.loop = new SimLoop(n == 1 ? "sim-loop" : "sim-loop-" + n);
        this.cabling = new Cabling(this, b, switches, hosts, links);
        this.tracer = new Tracer(loop, b.settle, b.unansweredGrace, b.maxFramesPerTrace,
                i -> cabling.sender(i).name());
        this.carrier = new FrameCarrier(loop, tracer, switches, b.maxHops);
        this.probes = new Probes(loop, tracer, carrier, b.traceTimeout);
        this.controllers = new ControllerLinks(b.controllers, b.connection, b.ioThreads);
        loop.run(() -> cabling.build(b.topology));
        this.expiry = loop.every(b.expiryInterval, this::expireFlows);
        controllers.connect(switches.values());
    }

    public static SimNetworkBuilder builder() {
        return new SimNetworkBuilder();
    }

    // ---- what its switches use (sim-loop) ------------------------------------------------

    SimLoop loop() {
        return loop;
    }

    Tracer tracer() {
        return tracer;
    }

    void stateChanged() {
        waiter.changed();
    }

    void toDirectController(String sw, OFMessage m) {
        cfg.direct.accept(sw, m);
    }

    /** A frame leaves {@code sw} through {@code port}: deliver it to whatever is plugged in there. */
    void transmit(SimSwitch sw, OFPort port, Frame frame) {
        carrier.transmit(sw, port, frame);
    }

    // ---- connection state ---------------------------------------------------------------

    /** Waits until every switch has answered FEATURES_REQUEST on a live connection. */
    public void awaitConnected(Duration timeout) throws TimeoutException {
        waiter.awaitAll(timeout, SimSwitch::isConnected, "connected (FEATURES_REPLY sent)");
    }

    /**
     * Waits until every switch has also answered a BARRIER_REQUEST after FEATURES_REPLY on its
     * current connection: with a controller that ends its handshake with a barrier (as Weft does),
     * its initial flow-mods are then installed.
     */
    public void awaitReady(Duration timeout) throws TimeoutException {
        waiter.awaitAll(timeout, SimSwitch::isReady, "ready (BARRIER_REPLY after FEATURES_REPLY)");
    }

    // ---- tracing and pings --------------------------------------------------------------

    /** Injects a frame from a host and follows it until quiet (default timeout). */
    public Delivery trace(String host, byte[] frame) {
        return trace(host, frame, cfg.traceTimeout);
    }

    /**
     * Injects {@code frame} as if sent by {@code host} and returns what became of it once the
     * network is quiet (see the class comment) or the timeout passed.
     */
    public Delivery trace(String host, byte[] frame, Duration timeout) {
        return probes.trace(host(host), frame, timeout);
    }

    /** The host sends a gratuitous ARP (as after a VM migration), traced. */
    public Delivery gratuitousArp(String host) {
        return probes.gratuitousArp(host(host));
    }

    /** The host sends a RARP announcement (what QEMU sends after a live migration), traced. */
    public Delivery rarp(String host) {
        return probes.rarp(host(host));
    }

    /**
     * ARP (unless {@code from} already knows {@code to}) then one ICMP echo, each traced. The ping
     * succeeds only when {@code to} itself answered: the echo reply must have entered the network
     * from {@code to}'s wire, not merely carry its addresses (another tenant's VM may use the same
     * MAC and IP, and answer in its own network).
     */
    public PingResult ping(String from, String to) {
        return ping(from, to, cfg.traceTimeout);
    }

    public PingResult ping(String from, String to, Duration timeout) {
        return probes.ping(host(from), host(to), timeout);
    }

    /** Pings every ordered pair of hosts, like Mininet's {@code pingall}. */
    public PingAllResult pingAll() {
        return probes.pingAll(List.copyOf(hosts.values()));
    }

    // ---- operations ---------------------------------------------------------------------

    /** Takes the first link between two switches down (both ports get LINK_DOWN + PORT_STATUS). */
    public void linkDown(String a, String b) {
        loop.run(() -> cabling.setLink(a, b, false));
    }

    public void linkUp(String a, String b) {
        loop.run(() -> cabling.setLink(a, b, true));
    }

    /** Adds an unattached port (PORT_STATUS ADD); {@code port} null = next free number. */
    public OFPort addPort(String sw, OFPort port, String name) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> cabling.addPort(s, port, name));
    }

    /** Removes a port (PORT_STATUS DELETE); whatever was plugged in is unplugged. */
    public void removePort(String sw, OFPort port) {
        SimSwitch s = switchNamed(sw);
        loop.run(() -> cabling.removePort(s, port));
    }

    /**
     * Moves a host to another switch, keeping its interface name (a VM migration): its port is
     * deleted on the old switch (PORT_STATUS DELETE) and added on the new one, as the next free
     * port unless given (PORT_STATUS ADD). Returns the new port.
     */
    public OFPort moveHost(String host, String toSwitch, OFPort port) {
        SimHost h = host(host);
        SimSwitch to = switchNamed(toSwitch);
        return loop.call(() -> cabling.moveHost(h, to, port));
    }

    /**
     * The switchover of a live migration: the host now sits behind {@code port} of {@code toSwitch},
     * a port that already exists (added with {@link #addPort} under the host's interface name
     * while the VM still ran on its old switch). Its old port stays, with nothing behind it, until
     * {@link #removePort}. No PORT_STATUS is sent: the switches see nothing but the host's frames.
     */
    public void attachHost(String host, String toSwitch, OFPort port) {
        SimHost h = host(host);
        SimSwitch to = switchNamed(toSwitch);
        loop.run(() -> cabling.attachHost(h, to, port));
    }

    /** Closes a switch's controller connection and keeps it closed (flows stay: fail-secure). */
    public void disconnect(String sw) {
        switchNamed(sw).connections().forEach(ControllerConnection::stop);
    }

    /** Closes a switch's connection to one of its controllers and keeps it closed (a partition). */
    public void disconnect(String sw, InetSocketAddress controller) {
        switchNamed(sw).connections().stream().filter(c -> c.controller().equals(controller))
                .forEach(ControllerConnection::stop);
    }

    /** Lets a switch connect again to one of its controllers. */
    public void reconnect(String sw, InetSocketAddress controller) {
        switchNamed(sw).connections().stream().filter(c -> c.controller().equals(controller))
                .forEach(ControllerConnection::start);
    }

    /**
     * The role each of a switch's live controller connections has on the switch, by controller
     * address (EQUAL until a controller asks for another; at most one MASTER).
     */
    public Map<InetSocketAddress, OFControllerRole> roles(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(s::roles);
    }

    /** Lets a disconnected switch connect again. */
    public void reconnect(String sw) {
        switchNamed(sw).connections().forEach(ControllerConnection::start);
    }

    /** In direct-controller mode: a message from the controller to a switch, processed on the loop. */
    public void sendFromController(String sw, OFMessage m) {
        SimSwitch s = switchNamed(sw);
        loop.execute(() -> s.datapath().handle(m));
    }

    /** Runs flow expiry now (use after advancing a {@link ManualTicker}). */
    public void expireFlowsNow() {
        loop.run(this::expireFlows);
    }

    private void expireFlows() {
        switches.values().forEach(s -> s.datapath().expireFlows());
    }

    /** Waits until everything queued on the sim-loop so far has run. */
    public void sync() {
        loop.run(() -> { });
    }

    // ---- inspection ---------------------------------------------------------------------

    public SimHost host(String name) {
        SimHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host named " + name + "; hosts: " + hosts.keySet());
        }
        return h;
    }

    public Collection<SimHost> hosts() {
        return List.copyOf(hosts.values());
    }

    public SimSwitch switchNamed(String name) {
        SimSwitch s = switches.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no switch named " + name + "; switches: " + switches.keySet());
        }
        return s;
    }

    public Collection<SimSwitch> switches() {
        return List.copyOf(switches.values());
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    /** The switch's flow entries (with counters), table by table. */
    public List<FlowSnapshot> flows(String sw) {
        return inDatapath(sw, Datapath::flows);
    }

    public List<GroupSnapshot> groups(String sw) {
        return inDatapath(sw, Datapath::groups);
    }

    /** Messages the switch received from the controller, by type. */
    public Map<OFType, Long> messageCounts(String sw) {
        return inDatapath(sw, Datapath::messageCounts);
    }

    /** FLOW_MODs the switch received, all commands together. */
    public long flowModCount(String sw) {
        return messageCounts(sw).getOrDefault(OFType.FLOW_MOD, 0L);
    }

    public Map<OFFlowModCommand, Long> flowModCounts(String sw) {
        return inDatapath(sw, Datapath::flowModCounts);
    }

    /** FLOW_MODs the switch received, by cookie. */
    public Map<org.projectfloodlight.openflow.types.U64, Long> flowModCookies(String sw) {
        return inDatapath(sw, Datapath::flowModCookies);
    }

    /** Port number → counters. */
    public Map<OFPort, PortCounters> portCounters(String sw) {
        return inDatapath(sw, dp -> byPort(dp, SimPort::counters));
    }

    /** Port number → port name (and state) of a switch. */
    public Map<OFPort, String> ports(String sw) {
        return inDatapath(sw, dp -> byPort(dp, p -> p.name() + (p.isUp() ? "" : " (down)")));
    }

    /** Reads a switch's datapath on the sim-loop. */
    private <T> T inDatapath(String sw, Function<Datapath, T> read) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> read.apply(s.datapath()));
    }

    private static <V> Map<OFPort, V> byPort(Datapath dp, Function<SimPort, V> f) {
        Map<OFPort, V> m = new TreeMap<>();
        for (SimPort p : dp.ports()) {
            m.put(p.number(), f.apply(p));
        }
        return m;
    }

    /** Frames the host received so far (most recent last, at most 10000). */
    public List<byte[]> received(String host) {
        SimHost h = host(host);
        return loop.call(h::inbox);
    }

    public void clearReceived(String host) {
        SimHost h = host(host);
        loop.run(h::clearInbox);
    }

    /** The host's ARP entry for an address, or null. */
    public MacAddress arpEntry(String host, org.projectfloodlight.openflow.types.IPv4Address ip) {
        SimHost h = host(host);
        return loop.call(() -> h.arpEntry(ip));
    }

    /** Frames dropped because they crossed more than {@code maxHops} switches (a loop). */
    public long hopLimitDrops() {
        return loop.call(carrier::hopLimitDrops);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        controllers.disconnectAll(switches.values());
        expiry.cancel(false);
        try {
            loop.run(tracer::abortAll);
        } catch (RuntimeException e) {
            log.debug("closing: {}", e.toString());
        }
        controllers.shutdown();
        loop.close();
    }
}
