package dev.weft.sim.inprocess;

import dev.weft.sim.datapath.DatapathConfig;
import dev.weft.sim.datapath.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Several {@link InProcessSwitch}es with hosts plugged into their ports and tunnels between them
 * (a tunnel carries each frame's tunnel id to the other end, as VXLAN carries its VNI), driven in
 * the caller's thread with no controller: load each switch's flows, then ask where a frame a host
 * sends ends up, with {@link #send}. For specs such as "from acme-web1 on hv1 this frame reaches
 * only acme-web2 on hv2, with tunnel id 5001".
 *
 * <p>Hosts are passive: they receive, they do not answer. A frame is followed through every
 * switch and tunnel until it reaches hosts, is dropped, or goes to the controller (a packet-in,
 * reported, not answered). A copy that crosses more than {@value #MAX_SWITCHES} switches, or a
 * send that makes more than {@value #MAX_FRAMES} frames, is cut off and reported as a storm.
 * Not thread-safe.
 */
public final class InProcessFabric {
    static final int MAX_SWITCHES = 64;
    static final int MAX_FRAMES = 10_000;

    private final Map<String, InProcessSwitch> switches = new LinkedHashMap<>();
    private final Map<String, Place> hosts = new LinkedHashMap<>();
    /** What is behind each switch port: a host name or the far end of a tunnel. */
    private final Map<Place, Object> wiring = new HashMap<>();

    /** Where something is plugged in. */
    public record Place(String switchName, OFPort port) {
        @Override
        public String toString() {
            return switchName + ":" + port.getPortNumber();
        }
    }

    /** Adds a switch (OpenFlow 1.3, see {@link InProcessSwitch}). */
    public InProcessSwitch addSwitch(String name, DatapathId dpid) {
        return add(new InProcessSwitch(name, dpid));
    }

    /** An OpenFlow 1.3 switch (8 tables) whose clock is {@code ticker} (meters read it). */
    public InProcessSwitch addSwitch(String name, DatapathId dpid, com.google.common.base.Ticker ticker) {
        return add(new InProcessSwitch(name, DatapathConfig.of(dpid).withBuffers(0).withStrictOutputPorts(false),
                OFVersion.OF_13, ticker));
    }

    /** Adds a switch of another version or table count (hardware that offers less). */
    public InProcessSwitch addSwitch(String name, DatapathConfig config, OFVersion version) {
        return add(new InProcessSwitch(name, config.withBuffers(0).withStrictOutputPorts(false), version));
    }

    private InProcessSwitch add(InProcessSwitch s) {
        if (switches.containsKey(s.name())) {
            throw new IllegalArgumentException("a switch named " + s.name() + " exists");
        }
        switches.put(s.name(), s);
        return s;
    }

    public InProcessSwitch switchNamed(String name) {
        InProcessSwitch s = switches.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no switch named " + name + "; switches: " + switches.keySet());
        }
        return s;
    }

    /** Plugs host {@code name} into {@code port} of {@code switchName} (the port is added if missing). */
    public InProcessFabric host(String name, String switchName, OFPort port) {
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("a host named " + name + " exists");
        }
        Place at = plug(switchName, port, name);
        wiring.put(at, name);
        hosts.put(name, at);
        return this;
    }

    /**
     * Moves host {@code name} to {@code port} of {@code switchName} (a migration: unplugged where it
     * was, plugged in there; the port is added if missing). Switches keep their state.
     */
    public InProcessFabric move(String name, String switchName, OFPort port) {
        Place was = hosts.remove(name);
        if (was == null) {
            throw new IllegalArgumentException("no host named " + name);
        }
        wiring.remove(was);
        return host(name, switchName, port);
    }

    /** A tunnel between two switch ports (added if missing): each end's output arrives at the other. */
    public InProcessFabric tunnel(String switchA, OFPort portA, String switchB, OFPort portB) {
        Place a = plug(switchA, portA, "vx-" + switchB);
        Place b = plug(switchB, portB, "vx-" + switchA);
        wiring.put(a, new TunnelEnd(b));
        wiring.put(b, new TunnelEnd(a));
        return this;
    }

    private record TunnelEnd(Place far) {
    }

    /**
     * A flow-based tunnel port (Open vSwitch VXLAN with {@code remote_ip=flow}) of a switch whose
     * underlay address is {@code endpoint}: a frame output there with tunnel destination X arrives
     * at the flow-based port of the switch whose endpoint is X (lost if none), with this switch's
     * endpoint as its tunnel source.
     */
    public InProcessFabric flowTunnel(String switchName, OFPort port, long endpoint) {
        Place at = plug(switchName, port, "vx-flow");
        FlowEnd end = new FlowEnd(at, endpoint);
        if (flowEnds.putIfAbsent(endpoint, end) != null) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is in use");
        }
        wiring.put(at, end);
        return this;
    }

    private record FlowEnd(Place at, long endpoint) {
    }

    private final Map<Long, FlowEnd> flowEnds = new java.util.HashMap<>();

    /**
     * A frame arrives on the flow-based tunnel port {@code port} of {@code switchName} with tunnel
     * id {@code tunnelId} from underlay address {@code source} (anyone who can send VXLAN to it).
     */
    public Reach sendFromFlowTunnel(String switchName, OFPort port, long tunnelId, long source, byte[] frame) {
        Object end = wiring.get(new Place(switchName, port));
        long dst = end instanceof FlowEnd f ? f.endpoint() : 0;
        return follow(new Place(switchName, port), Frame.of(frame).withTunnel(tunnelId, source, dst));
    }

    /**
     * A cable between two switch ports (added if missing): a frame sent out of one end arrives,
     * unchanged (VLAN tags included), at the other.
     */
    public InProcessFabric link(String switchA, OFPort portA, String switchB, OFPort portB) {
        Place a = plug(switchA, portA, switchB + "-" + portB.getPortNumber());
        Place b = plug(switchB, portB, switchA + "-" + portA.getPortNumber());
        wiring.put(a, new CableEnd(b));
        wiring.put(b, new CableEnd(a));
        return this;
    }

    /** Cuts the cable or tunnel at this port (both ends): what is sent into it is lost from now on. */
    public InProcessFabric cut(String switchName, OFPort port) {
        Object behind = wiring.get(new Place(switchName, port));
        Place far = behind instanceof CableEnd c ? c.far() : behind instanceof TunnelEnd t ? t.far() : null;
        if (far == null) {
            throw new IllegalArgumentException(switchName + ":" + port.getPortNumber() + " has no cable or tunnel");
        }
        wiring.remove(new Place(switchName, port));
        wiring.remove(far);
        return this;
    }

    private record CableEnd(Place far) {
    }

    private Place plug(String switchName, OFPort port, String portName) {
        InProcessSwitch s = switchNamed(switchName);
        Place at = new Place(switchName, port);
        if (wiring.containsKey(at)) {
            throw new IllegalArgumentException(at + " is in use");
        }
        if (!s.hasPort(port)) {
            s.addPort(port, portName);
        }
        return at;
    }

    public Place whereIs(String host) {
        Place at = hosts.get(host);
        if (at == null) {
            throw new IllegalArgumentException("no host named " + host + "; hosts: " + hosts.keySet());
        }
        return at;
    }

    /** Host {@code host} sends {@code frame}: where does it end up? */
    public Reach send(String host, byte[] frame) {
        return follow(whereIs(host), Frame.of(frame));
    }

    /**
     * A frame arrives on {@code port} of {@code switchName} from a tunnel with tunnel id
     * {@code tunnelId} (as if sent by a hypervisor the fabric does not model).
     */
    public Reach sendFromTunnel(String switchName, OFPort port, long tunnelId, byte[] frame) {
        return follow(new Place(switchName, port), Frame.of(frame).withTunnel(tunnelId, 0, 0));
    }

    private record Copy(Place at, Frame frame, List<Reach.Hop> path) {
    }

    private Reach follow(Place start, Frame first) {
        Reach.Builder reach = new Reach.Builder();
        ArrayDeque<Copy> queue = new ArrayDeque<>();
        queue.add(new Copy(start, first, List.of()));
        int frames = 0;
        while (!queue.isEmpty()) {
            Copy c = queue.poll();
            if (++frames > MAX_FRAMES || c.path().size() >= MAX_SWITCHES) {
                reach.storm();
                continue;
            }
            InProcessSwitch sw = switchNamed(c.at().switchName());
            Outcome o = sw.send(c.at().port(), c.frame());
            reach.went(sw.name(), c.at().port(), o);
            for (var pi : o.packetIns()) {
                reach.packetIn(sw.name(), pi, c.path());
            }
            for (Outcome.Output out : o.outputs()) {
                Place exit = new Place(sw.name(), out.port());
                Object behind = wiring.get(exit);
                List<Reach.Hop> path = new ArrayList<>(c.path());
                path.add(new Reach.Hop(sw.name(), c.at().port(), out.port(),
                        behind instanceof TunnelEnd || behind instanceof FlowEnd ? out.tunnelId() : 0));
                if (behind instanceof String host) {
                    reach.arrived(host, out.frame(), path);
                } else if (behind instanceof FlowEnd f) {
                    FlowEnd far = flowEnds.get(out.tunnelDst());
                    if (far == null) {
                        reach.lost(exit);
                    } else {
                        queue.add(new Copy(far.at(), Frame.of(out.frame()).withTunnel(out.tunnelId(), f.endpoint(),
                                out.tunnelDst()), List.copyOf(path)));
                    }
                } else if (behind instanceof CableEnd cable) {
                    queue.add(new Copy(cable.far(), Frame.of(out.frame()), List.copyOf(path)));
                } else if (behind instanceof TunnelEnd t) {
                    queue.add(new Copy(t.far(), Frame.of(out.frame()).withTunnel(out.tunnelId(), 0, out.tunnelDst()),
                            List.copyOf(path)));
                } else {
                    reach.lost(exit);
                }
            }
        }
        return reach.build();
    }
}
