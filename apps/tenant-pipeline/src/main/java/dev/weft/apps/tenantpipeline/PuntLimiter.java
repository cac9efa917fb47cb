package dev.weft.apps.tenantpipeline;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A token bucket per switch port for packets that flows send to the controller (DHCP requests,
 * packets a router must answer with an ICMP error): a VM gets {@code burst} at once and
 * {@code rate} per second after that; what is over is dropped before any work is done for it, so a
 * VM that floods costs the controller one map lookup per packet and cannot starve its neighbours.
 * Each switch's buckets are touched only on that switch's dispatch thread (the one that delivers
 * its packet-ins), so they need no lock.
 */
public final class PuntLimiter {
    private final Clock clock;
    private final double perMilli;
    private final double burst;
    private final Map<DatapathId, Map<OFPort, Bucket>> buckets = new ConcurrentHashMap<>();
    private final LongAdder allowed = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public PuntLimiter(Clock clock, double ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive, were " + ratePerSecond + ", " + burst);
        }
        this.clock = clock;
        this.perMilli = ratePerSecond / 1000.0;
        this.burst = burst;
    }

    private static final class Bucket {
        double tokens;
        long at;
    }

    /** Whether a packet from this port may be handled now (takes a token if so). */
    public boolean allow(DatapathId dpid, OFPort port) {
        long now = clock.millis();
        Bucket b = buckets.computeIfAbsent(dpid, d -> new HashMap<>()).computeIfAbsent(port, p -> {
            Bucket n = new Bucket();
            n.tokens = burst;
            n.at = now;
            return n;
        });
        if (now > b.at) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMilli);
            b.at = now;
        }
        if (b.tokens >= 1) {
            b.tokens -= 1;
            allowed.increment();
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Forget a switch's buckets (it disconnected). */
    public void forget(DatapathId dpid) {
        buckets.remove(dpid);
    }

    public long allowed() {
        return allowed.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
