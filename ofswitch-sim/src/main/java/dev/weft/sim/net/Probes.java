package dev.weft.sim.net;

import dev.weft.sim.packet.Frames;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Traced injections from hosts, for {@link SimNetwork}: {@link #trace} puts a frame on a host's
 * wire and waits until the {@link Tracer} says the network is quiet; pings, gratuitous ARP and RARP
 * are traces too. A ping checks who answered, not only which addresses the reply carries.
 *
 * <p>Runs on the caller's thread (never the sim-loop); traces run one at a time.
 */
final class Probes {
    private final SimLoop loop;
    private final Tracer tracer;
    private final FrameCarrier carrier;
    private final Duration defaultTimeout;
    private final Object traceLock = new Object();
    private int pingId;

    Probes(SimLoop loop, Tracer tracer, FrameCarrier carrier, Duration defaultTimeout) {
        this.loop = loop;
        this.tracer = tracer;
        this.carrier = carrier;
        this.defaultTimeout = defaultTimeout;
    }

    Delivery trace(SimHost h, byte[] frame, Duration timeout) {
        synchronized (traceLock) {
            Tracer.TraceState st = loop.call(() -> {
                Tracer.TraceState s = tracer.start(timeout);
                carrier.send(h, frame, Tracer.injectedId(s));
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

    Delivery gratuitousArp(SimHost h) {
        return trace(h, Frames.from(h.mac(), h.ip()).gratuitousArp(), defaultTimeout);
    }

    Delivery rarp(SimHost h) {
        return trace(h, Frames.from(h.mac()).rarpAnnounce(), defaultTimeout);
    }

    /** See {@link SimNetwork#ping(String, String)}. */
    PingResult ping(SimHost a, SimHost b, Duration timeout) {
        String from = a.name();
        String to = b.name();
        long start = System.nanoTime();
        int packetIns = 0;
        MacAddress known = loop.call(() -> a.arpEntry(b.ip()));
        if (known == null) {
            Delivery arp = trace(a, Frames.from(a.mac(), a.ip()).arpRequest(b.ip()), timeout);
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
        Delivery echo = trace(a, Frames.from(a.mac(), a.ip()).to(known, b.ip())
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

    /** Every ordered pair of {@code hosts}, like Mininet's {@code pingall}. */
    PingAllResult pingAll(List<SimHost> hosts) {
        List<String> names = hosts.stream().map(SimHost::name).toList();
        boolean[][] ok = new boolean[hosts.size()][hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = 0; j < hosts.size(); j++) {
                if (i != j) {
                    ok[i][j] = ping(hosts.get(i), hosts.get(j), defaultTimeout).success();
                }
            }
        }
        return new PingAllResult(names, ok);
    }
}
