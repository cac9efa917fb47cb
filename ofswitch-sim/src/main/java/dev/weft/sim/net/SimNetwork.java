package dev.weft.sim.net;

import com.google.common.base.Ticker;
import dev.weft.sim.channel.ConnectionConfig;
import dev.weft.sim.channel.ControllerConnection;
import dev.weft.sim.datapath.Datapath;
import dev.weft.sim.datapath.DatapathConfig;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.datapath.Frame;
import dev.weft.sim.datapath.GroupSnapshot;
import dev.weft.sim.datapath.PortCounters;
import dev.weft.sim.datapath.SimPort;
import dev.weft.sim.packet.Frames;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
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

    private final Builder cfg;
    private final SimLoop loop;
    private final EventLoopGroup io;
    private final Tracer tracer;
    private final Map<String, SimSwitch> switches = new LinkedHashMap<>();
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    /** Hosts by sender index - 1 (see {@link FrameOrigin}); written once, by {@link #build}. */
    private final List<SimHost> senders = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final Object stateLock = new Object();
    private final Object traceLock = new Object();
    private final ScheduledFuture<?> expiry;
    private final SimHost.Wire wire = this::hostSend;
    private long hopLimitDrops;
    private int pingId;
    private volatile boolean closed;

    private SimNetwork(Builder b) {
        this.cfg = b;
        int n = NETWORKS.incrementAndGet();
        this.loop = new SimLoop(n == 1 ? "sim-loop" : "sim-loop-" + n);
        this.tracer = new Tracer(loop, b.settle, b.unansweredGrace, b.maxFramesPerTrace,
                i -> senders.get(i - 1).name());
        AtomicInteger ioThreads = new AtomicInteger();
        this.io = b.controllers.isEmpty() ? null : new NioEventLoopGroup(b.ioThreads, r -> {
            Thread t = new Thread(r, "sim-io-" + ioThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop.run(() -> build(b.topology));
        this.expiry = loop.every(b.expiryInterval, () -> switches.values().forEach(s -> s.datapath().expireFlows()));
        for (SimSwitch s : switches.values()) {
            for (InetSocketAddress controller : b.controllers) {
                ControllerConnection c = new ControllerConnection(controller, io, s, b.connection);
                s.useConnection(c);
                c.start();
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- construction -------------------------------------------------------------------

    private void build(Topology t) {
        for (Topology.SwitchSpec s : t.switches().values()) {
            Set<OFVersion> versions = s.versions().isEmpty() ? cfg.versions : s.versions();
            SimSwitch sw = new SimSwitch(s.name(), versions, s.tunnelEndpoint(), this);
            DatapathConfig dc = cfg.datapathConfig.apply(DatapathConfig.of(s.dpid()));
            sw.attachDatapath(new Datapath(dc, VersionOrder.highest(versions), cfg.ticker, sw));
            switches.put(s.name(), sw);
            for (int i = 1; i <= s.ports(); i++) {
                addPortLocked(sw, OFPort.of(i), TopologyBuilder.portName(s.name(), OFPort.of(i)));
            }
            if (cfg.direct != null) {
                sw.useDirectController();
            }
        }
        if (t.hosts().size() > FrameOrigin.MAX_SENDERS) {
            throw new IllegalArgumentException("at most " + FrameOrigin.MAX_SENDERS + " hosts, got " + t.hosts().size());
        }
        for (Topology.HostSpec h : t.hosts().values()) {
            SimHost host = new SimHost(senders.size() + 1, h.name(), h.mac(), h.ip(), h.iface(), h.switchName(),
                    h.port());
            hosts.put(h.name(), host);
            senders.add(host);
            plugHost(host, switches.get(h.switchName()), h.port());
        }
        for (Topology.LinkSpec l : t.links()) {
            SimSwitch a = switches.get(l.switchA());
            SimSwitch b = switches.get(l.switchB());
            ensurePort(a, l.portA(), TopologyBuilder.portName(a.name(), l.portA()));
            ensurePort(b, l.portB(), TopologyBuilder.portName(b.name(), l.portB()));
            Link link = new Link(a, l.portA(), b, l.portB());
            links.add(link);
            a.attachments().put(l.portA().getPortNumber(), new Attachment.ToLink(link, b, l.portB()));
            b.attachments().put(l.portB().getPortNumber(), new Attachment.ToLink(link, a, l.portA()));
        }
        for (Topology.TunnelSpec tn : t.tunnels()) {
            SimSwitch a = switches.get(tn.switchA());
            SimSwitch b = switches.get(tn.switchB());
            ensurePort(a, tn.portA(), "vx-" + b.name());
            ensurePort(b, tn.portB(), "vx-" + a.name());
            a.attachments().put(tn.portA().getPortNumber(), new Attachment.ToTunnel(b));
            b.attachments().put(tn.portB().getPortNumber(), new Attachment.ToTunnel(a));
        }
        for (Topology.FlowTunnelSpec ft : t.flowTunnels()) {
            SimSwitch s = switches.get(ft.switchName());
            ensurePort(s, ft.port(), ft.portName());
            s.attachments().put(ft.port().getPortNumber(), new Attachment.ToFlowTunnel());
        }
    }

    private static MacAddress portMac(SimSwitch sw, OFPort port) {
        return MacAddress.of((0x02L << 40) | ((sw.dpid().getLong() & 0xffffffL) << 16) | (port.getPortNumber() & 0xffff));
    }

    private SimPort addPortLocked(SimSwitch sw, OFPort port, String name) {
        return sw.datapath().addPort(port, name, portMac(sw, port));
    }

    private void ensurePort(SimSwitch sw, OFPort port, String name) {
        if (sw.datapath().port(port) == null) {
            addPortLocked(sw, port, name);
        }
    }

    private void plugHost(SimHost host, SimSwitch sw, OFPort port) {
        if (sw.datapath().port(port) == null) {
            addPortLocked(sw, port, host.iface());
        }
        sw.attachments().put(port.getPortNumber(), new Attachment.ToHost(host));
        host.moveTo(sw.name(), port);
    }

    // ---- the wire (sim-loop) ------------------------------------------------------------

    SimLoop loop() {
        return loop;
    }

    Tracer tracer() {
        return tracer;
    }

    void stateChanged() {
        synchronized (stateLock) {
            stateLock.notifyAll();
        }
    }

    void toDirectController(String sw, OFMessage m) {
        cfg.direct.accept(sw, m);
    }

    /** A frame leaves {@code sw} through {@code port}: deliver it to whatever is plugged in there. */
    void transmit(SimSwitch sw, OFPort port, Frame frame) {
        if (frame.hops() > cfg.maxHops) {
            hopLimitDrops++;
            return;
        }
        long id = frame.trace();
        if (!tracer.admit(id)) {
            return;
        }
        tracer.hop(id, sw.name(), port, false);
        Attachment a = sw.attachments().get(port.getPortNumber());
        if (a instanceof Attachment.ToHost h) {
            later(id, () -> {
                if (h.host().switchName().equals(sw.name()) && h.host().port().equals(port)) {
                    tracer.received(h.host().name(), id, frame.bytes());
                    h.host().receive(frame.bytes(), id, wire);
                }
            });
        } else if (a instanceof Attachment.ToLink l) {
            if (l.link().isUp()) {
                arrive(l.peer(), l.peerPort(), frame);
            }
        } else if (a instanceof Attachment.ToTunnel t) {
            OFPort remotePort = t.remote().portAttachedTo(sw);
            arrive(t.remote(), remotePort, frame.withTunnel(frame.tunnelId(), ip(sw), ip(t.remote())));
        } else if (a instanceof Attachment.ToFlowTunnel) {
            SimSwitch remote = hypervisorAt(frame.tunnelDst());
            if (remote != null && remote != sw) {
                OFPort remotePort = remote.portAttachedTo(sw);
                if (remotePort == null) {
                    remotePort = remote.flowTunnelPort();
                }
                if (remotePort != null) {
                    arrive(remote, remotePort, frame.withTunnel(frame.tunnelId(), ip(sw), frame.tunnelDst()));
                }
            }
        }
    }

    private static long ip(SimSwitch s) {
        return s.tunnelEndpoint() == null ? 0 : s.tunnelEndpoint().getInt() & 0xffffffffL;
    }

    private SimSwitch hypervisorAt(long tep) {
        for (SimSwitch s : switches.values()) {
            if (s.tunnelEndpoint() != null && ip(s) == tep) {
                return s;
            }
        }
        return null;
    }

    private void arrive(SimSwitch sw, OFPort port, Frame frame) {
        long id = frame.trace();
        later(id, () -> {
            tracer.hop(id, sw.name(), port, true);
            sw.datapath().receive(port, frame);
        });
    }

    /** Queues work for a traced frame; the trace is not quiet while it waits. */
    private void later(long id, Runnable r) {
        tracer.scheduled(id);
        loop.execute(() -> {
            try {
                r.run();
            } finally {
                tracer.done(id);
            }
        });
    }

    /** A host puts a frame on its wire: the frame carries that host as its sender from here on. */
    private void hostSend(SimHost host, byte[] frame, long id) {
        SimSwitch sw = switches.get(host.switchName());
        OFPort port = host.port();
        if (sw == null || sw.datapath().port(port) == null) {
            return;
        }
        long traced = id == 0 ? tracer.background() : id;
        arrive(sw, port, Frame.traced(frame, FrameOrigin.withSender(traced, host.index())));
    }

    // ---- connection state ---------------------------------------------------------------

    /** Waits until every switch has answered FEATURES_REQUEST on a live connection. */
    public void awaitConnected(Duration timeout) throws TimeoutException {
        awaitAll(timeout, SimSwitch::isConnected, "connected (FEATURES_REPLY sent)");
    }

    /**
     * Waits until every switch has also answered a BARRIER_REQUEST after FEATURES_REPLY on its
     * current connection: with a controller that ends its handshake with a barrier (as Weft does),
     * its initial flow-mods are then installed.
     */
    public void awaitReady(Duration timeout) throws TimeoutException {
        awaitAll(timeout, SimSwitch::isReady, "ready (BARRIER_REPLY after FEATURES_REPLY)");
    }

    private void awaitAll(Duration timeout, java.util.function.Predicate<SimSwitch> p, String what)
            throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (true) {
                List<String> missing = switches.values().stream().filter(p.negate()).map(SimSwitch::name).toList();
                if (missing.isEmpty()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("not " + what + " within " + timeout + ": " + missing);
                }
                try {
                    stateLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TimeoutException("interrupted");
                }
            }
        }
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
        SimHost h = host(host);
        synchronized (traceLock) {
            Tracer.TraceState st = loop.call(() -> {
                Tracer.TraceState s = tracer.start(timeout);
                hostSend(h, frame, Tracer.injectedId(s));
                return s;
            });
            try {
                return st.done.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while tracing", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("trace did not finish", e);
            }
        }
    }

    /** The host sends a gratuitous ARP (as after a VM migration), traced. */
    public Delivery gratuitousArp(String host) {
        SimHost h = host(host);
        return trace(host, Frames.from(h.mac(), h.ip()).gratuitousArp());
    }

    /** The host sends a RARP announcement (what QEMU sends after a live migration), traced. */
    public Delivery rarp(String host) {
        SimHost h = host(host);
        return trace(host, Frames.from(h.mac()).rarpAnnounce());
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
        SimHost a = host(from);
        SimHost b = host(to);
        long start = System.nanoTime();
        int packetIns = 0;
        MacAddress known = loop.call(() -> a.arpEntry(b.ip()));
        if (known == null) {
            Delivery arp = trace(from, Frames.from(a.mac(), a.ip()).arpRequest(b.ip()), timeout);
            packetIns += arp.packetIns();
            known = loop.call(() -> a.arpEntry(b.ip()));
            if (known == null) {
                return new PingResult(from, to, false, "no ARP reply", packetIns, Duration.ofNanos(System.nanoTime() - start));
            }
        }
        int id;
        synchronized (traceLock) {
            id = ++pingId & 0xffff;
        }
        Delivery echo = trace(from, Frames.from(a.mac(), a.ip()).to(known, b.ip())
                .echoRequest(id, 1, new byte[32]), timeout);
        packetIns += echo.packetIns();
        Set<String> answered = new TreeSet<>();
        for (Delivery.Reception r : echo.receptions()) {
            Frames.IcmpEcho reply = r.host().equals(from) && r.origin() == FrameOrigin.HOST_REPLY
                    ? Frames.parseIcmpEcho(r.frame()) : null;
            if (reply != null && !reply.request() && reply.id() == id && reply.seq() == 1) {
                answered.add(r.sender() == null ? "a controller" : r.sender());
            }
        }
        boolean ok = answered.contains(to);
        String reason = ok ? "" : answered.isEmpty() ? "no echo reply" : "no echo reply from " + to + " (answered by "
                + String.join(", ", answered) + ")";
        return new PingResult(from, to, ok, reason, packetIns, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Pings every ordered pair of hosts, like Mininet's {@code pingall}. */
    public PingAllResult pingAll() {
        List<String> names = List.copyOf(hosts.keySet());
        boolean[][] ok = new boolean[names.size()][names.size()];
        for (int i = 0; i < names.size(); i++) {
            for (int j = 0; j < names.size(); j++) {
                if (i != j) {
                    ok[i][j] = ping(names.get(i), names.get(j)).success();
                }
            }
        }
        return new PingAllResult(names, ok);
    }

    // ---- operations ---------------------------------------------------------------------

    /** Takes the first link between two switches down (both ports get LINK_DOWN + PORT_STATUS). */
    public void linkDown(String a, String b) {
        setLink(a, b, false);
    }

    public void linkUp(String a, String b) {
        setLink(a, b, true);
    }

    private void setLink(String a, String b, boolean up) {
        loop.run(() -> {
            Link l = links.stream().filter(x -> x.joins(a, b)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no link between " + a + " and " + b));
            l.setUp(up);
            l.a().datapath().setLinkDown(l.portA(), !up);
            l.b().datapath().setLinkDown(l.portB(), !up);
        });
    }

    /** Adds an unattached port (PORT_STATUS ADD); {@code port} null = next free number. */
    public OFPort addPort(String sw, OFPort port, String name) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> {
            OFPort p = port == null ? s.datapath().nextFreePort() : port;
            addPortLocked(s, p, name == null ? TopologyBuilder.portName(sw, p) : name);
            return p;
        });
    }

    /** Removes a port (PORT_STATUS DELETE); whatever was plugged in is unplugged. */
    public void removePort(String sw, OFPort port) {
        SimSwitch s = switchNamed(sw);
        loop.run(() -> {
            if (s.datapath().removePort(port) == null) {
                throw new IllegalArgumentException(sw + " has no port " + port);
            }
            Attachment a = s.attachments().remove(port.getPortNumber());
            if (a instanceof Attachment.ToLink l) {
                l.link().setUp(false);
                l.peer().datapath().setLinkDown(l.peerPort(), true);
            }
        });
    }

    /**
     * Moves a host to another switch, keeping its interface name (a VM migration): its port is
     * deleted on the old switch (PORT_STATUS DELETE) and added on the new one, as the next free
     * port unless given (PORT_STATUS ADD). Returns the new port.
     */
    public OFPort moveHost(String host, String toSwitch, OFPort port) {
        SimHost h = host(host);
        SimSwitch to = switchNamed(toSwitch);
        return loop.call(() -> {
            SimSwitch from = switches.get(h.switchName());
            from.datapath().removePort(h.port());
            from.attachments().remove(h.port().getPortNumber());
            OFPort p = port == null ? to.datapath().nextFreePort() : port;
            if (to.datapath().port(p) != null) {
                throw new IllegalArgumentException(toSwitch + " port " + p + " is in use");
            }
            to.datapath().addPort(p, h.iface(), portMac(to, p));
            to.attachments().put(p.getPortNumber(), new Attachment.ToHost(h));
            h.moveTo(to.name(), p);
            return p;
        });
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
        loop.run(() -> {
            if (to.datapath().port(port) == null) {
                throw new IllegalArgumentException(toSwitch + " has no port " + port);
            }
            if (to.attachments().containsKey(port.getPortNumber())) {
                throw new IllegalArgumentException(toSwitch + " port " + port + " is in use");
            }
            switches.get(h.switchName()).attachments().remove(h.port().getPortNumber());
            to.attachments().put(port.getPortNumber(), new Attachment.ToHost(h));
            h.moveTo(to.name(), port);
        });
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
        loop.run(() -> switches.values().forEach(s -> s.datapath().expireFlows()));
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
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> s.datapath().flows());
    }

    public List<GroupSnapshot> groups(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> s.datapath().groups());
    }

    /** Messages the switch received from the controller, by type. */
    public Map<OFType, Long> messageCounts(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> s.datapath().messageCounts());
    }

    /** FLOW_MODs the switch received, all commands together. */
    public long flowModCount(String sw) {
        return messageCounts(sw).getOrDefault(OFType.FLOW_MOD, 0L);
    }

    public Map<OFFlowModCommand, Long> flowModCounts(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> s.datapath().flowModCounts());
    }

    /** FLOW_MODs the switch received, by cookie. */
    public Map<org.projectfloodlight.openflow.types.U64, Long> flowModCookies(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> s.datapath().flowModCookies());
    }

    /** Port number → counters. */
    public Map<OFPort, PortCounters> portCounters(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> {
            Map<OFPort, PortCounters> m = new TreeMap<>();
            for (SimPort p : s.datapath().ports()) {
                m.put(p.number(), p.counters());
            }
            return m;
        });
    }

    /** Port number → port name (and state) of a switch. */
    public Map<OFPort, String> ports(String sw) {
        SimSwitch s = switchNamed(sw);
        return loop.call(() -> {
            Map<OFPort, String> m = new TreeMap<>();
            for (SimPort p : s.datapath().ports()) {
                m.put(p.number(), p.name() + (p.isUp() ? "" : " (down)"));
            }
            return m;
        });
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
        return loop.call(() -> hopLimitDrops);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SimSwitch s : switches.values()) {
            s.connections().forEach(ControllerConnection::stop);
        }
        expiry.cancel(false);
        try {
            loop.run(tracer::abortAll);
        } catch (RuntimeException e) {
            log.debug("closing: {}", e.toString());
        }
        if (io != null) {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        loop.close();
    }

    /** Network settings; {@link #build()} starts the network (switches connect in the background). */
    public static final class Builder {
        private List<InetSocketAddress> controllers = List.of();
        private BiConsumer<String, OFMessage> direct;
        private Topology topology;
        private Set<OFVersion> versions = EnumSet.of(OFVersion.OF_13);
        private Ticker ticker = Ticker.systemTicker();
        private UnaryOperator<DatapathConfig> datapathConfig = UnaryOperator.identity();
        private ConnectionConfig connection = ConnectionConfig.DEFAULT;
        private Duration settle = Duration.ofMillis(20);
        private Duration unansweredGrace = Duration.ofMillis(300);
        private Duration traceTimeout = Duration.ofSeconds(5);
        private Duration expiryInterval = Duration.ofMillis(100);
        private int maxHops = 64;
        private long maxFramesPerTrace = 10_000;
        private int ioThreads = 2;

        private Builder() {
        }

        /** The controller every switch connects to (TCP). */
        public Builder controller(InetSocketAddress address) {
            this.controllers = List.of(address);
            return this;
        }

        /**
         * Several controllers (a cluster): every switch connects to each of them, keeps a role per
         * connection (OpenFlow 1.3 ROLE_REQUEST with generation ids), refuses changes from slaves
         * and sends packet-ins only to the master (or equals).
         */
        public Builder controllers(List<InetSocketAddress> addresses) {
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("give at least one controller");
            }
            this.controllers = List.copyOf(addresses);
            return this;
        }

        public Builder controller(String host, int port) {
            return controller(new InetSocketAddress(host, port));
        }

        /**
         * No TCP: every switch is connected at its highest version from the start; what switches
         * send goes to {@code sink} (on the sim-loop), and {@link #sendFromController} talks back.
         */
        public Builder directController(BiConsumer<String, OFMessage> sink) {
            this.direct = sink;
            return this;
        }

        public Builder topology(Topology t) {
            this.topology = t;
            return this;
        }

        /** Versions every switch offers unless its topology entry says otherwise (default 1.3). */
        public Builder versions(OFVersion... v) {
            if (v.length == 0) {
                throw new IllegalArgumentException("offer at least one version");
            }
            this.versions = EnumSet.of(v[0], v);
            return this;
        }

        /** Time for flow timeouts and durations (default: the system ticker). */
        public Builder ticker(Ticker t) {
            this.ticker = t;
            return this;
        }

        /** Adjusts each switch's datapath config (tables, buffers, PORT_DESC part size, ...). */
        public Builder datapathConfig(UnaryOperator<DatapathConfig> f) {
            this.datapathConfig = f;
            return this;
        }

        public Builder connection(ConnectionConfig c) {
            this.connection = c;
            return this;
        }

        /** Quiescence: settle time after the last activity when every packet-in was answered. */
        public Builder settle(Duration d) {
            this.settle = d;
            return this;
        }

        /** Quiescence: how long to wait for a controller that does not answer a packet-in. */
        public Builder unansweredGrace(Duration d) {
            this.unansweredGrace = d;
            return this;
        }

        public Builder traceTimeout(Duration d) {
            this.traceTimeout = d;
            return this;
        }

        /** How often flow timeouts are checked against the ticker (default 100 ms). */
        public Builder expiryInterval(Duration d) {
            this.expiryInterval = d;
            return this;
        }

        /** Storm guards: switch traversals per frame, and frames per trace. */
        public Builder stormLimits(int maxHops, long maxFramesPerTrace) {
            this.maxHops = maxHops;
            this.maxFramesPerTrace = maxFramesPerTrace;
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        public SimNetwork build() {
            if (topology == null) {
                throw new IllegalStateException("no topology given");
            }
            if (controllers.isEmpty() == (direct == null)) {
                throw new IllegalStateException("give exactly one of controller(...) and directController(...)");
            }
            return new SimNetwork(this);
        }
    }
}
