package dev.weft.sim.net;

import dev.weft.sim.datapath.Frame;
import java.util.Map;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The wires of a {@link SimNetwork}: carries a frame that leaves a switch port, or that a host puts
 * on its wire, to whatever is at the other end (a host, the far end of a link, the remote switch of
 * a tunnel). Every hop is its own sim-loop task counted by the {@link Tracer}, so a trace is not
 * quiet while a frame is in flight. Frames that crossed more than {@code maxHops} switches (a loop)
 * are dropped and counted.
 *
 * <p>Sim-loop only.
 */
final class FrameCarrier implements SimHost.Wire {
    private final SimLoop loop;
    private final Tracer tracer;
    private final Map<String, SimSwitch> switches;
    private final int maxHops;
    private long hopLimitDrops;

    FrameCarrier(SimLoop loop, Tracer tracer, Map<String, SimSwitch> switches, int maxHops) {
        this.loop = loop;
        this.tracer = tracer;
        this.switches = switches;
        this.maxHops = maxHops;
    }

    /** A frame leaves {@code sw} through {@code port}: deliver it to whatever is plugged in there. */
    void transmit(SimSwitch sw, OFPort port, Frame frame) {
        if (frame.hops() > maxHops) {
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
                    h.host().receive(frame.bytes(), id, this);
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

    /**
     * A host puts a frame on its wire: the frame carries that host as its sender from here on.
     * {@code id} 0 (a frame outside any trace) gets a background trace of its own.
     */
    @Override
    public void send(SimHost host, byte[] frame, long id) {
        SimSwitch sw = switches.get(host.switchName());
        OFPort port = host.port();
        if (sw == null || sw.datapath().port(port) == null) {
            return;
        }
        long traced = id == 0 ? tracer.background() : id;
        arrive(sw, port, Frame.traced(frame, FrameOrigin.withSender(traced, host.index())));
    }

    /** Frames dropped because they crossed more than {@code maxHops} switches. */
    long hopLimitDrops() {
        return hopLimitDrops;
    }
}
