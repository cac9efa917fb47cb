package dev.weft.sim.datapath;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMeterStats;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;
import org.projectfloodlight.openflow.types.U64;

/**
 * OpenFlow 1.3 meters with one drop band, as a token bucket per meter: {@code rate} packets per
 * second (PKTPS) or kilobits per second (KBPS), holding at most {@code burst} packets or kilobits
 * (the rate's worth of one second when the meter has no BURST flag). A packet the bucket cannot
 * pay for is dropped and counted in the band. Time is the datapath's ticker, so a test decides it.
 */
final class Meters {
    static final class Meter {
        final long id;
        boolean packets;
        long rate;
        long burst;
        /** Tokens in millionths of a packet or of a bit, refilled by elapsed nanoseconds. */
        long tokens;
        long lastNanos;
        long packetsIn;
        long bytesIn;
        long dropped;
        long droppedBytes;
        /** As the last meter-mod set them (what a meter-config request reports). */
        java.util.Set<OFMeterFlags> flags = java.util.Set.of();
        List<OFMeterBand> bands = List.of();
        final long createdNanos;

        Meter(long id, long now) {
            this.id = id;
            this.createdNanos = now;
            this.lastNanos = now;
        }

        long capacity() {
            return (packets ? burst : burst * 1000) * 1_000_000L;
        }

        boolean admit(int bytes, long now) {
            long elapsed = Math.max(0, now - lastNanos);
            lastNanos = now;
            // rate per second → tokens (millionths) per nanosecond: rate * 1e6 / 1e9 = rate / 1000.
            long perSecond = packets ? rate : rate * 1000;
            long add = elapsed >= Long.MAX_VALUE / Math.max(1, perSecond) ? Long.MAX_VALUE : elapsed * perSecond / 1000;
            tokens = Math.min(capacity(), tokens + add);
            long cost = (packets ? 1 : bytes * 8L) * 1_000_000L;
            packetsIn++;
            bytesIn += bytes;
            if (tokens >= cost) {
                tokens -= cost;
                return true;
            }
            dropped++;
            droppedBytes += bytes;
            return false;
        }
    }

    private final Map<Long, Meter> meters = new TreeMap<>();

    void handle(OFMeterMod m, long now) throws OfErrorException {
        long id = m.getMeterId();
        switch (m.getCommand()) {
            case ADD -> {
                if (meters.containsKey(id)) {
                    throw new OfErrorException(OFErrorType.METER_MOD_FAILED, OFMeterModFailedCode.METER_EXISTS,
                            "meter " + id + " exists");
                }
                Meter x = new Meter(id, now);
                configure(x, m);
                x.tokens = x.capacity();
                meters.put(id, x);
            }
            case MODIFY -> {
                Meter x = meters.get(id);
                if (x == null) {
                    throw new OfErrorException(OFErrorType.METER_MOD_FAILED, OFMeterModFailedCode.UNKNOWN_METER,
                            "no meter " + id);
                }
                configure(x, m);
                x.tokens = Math.min(x.tokens, x.capacity());
            }
            case DELETE -> {
                if (id == 0xffffffffL) {
                    meters.clear();
                } else {
                    meters.remove(id);
                }
            }
            default -> throw new OfErrorException(OFErrorType.METER_MOD_FAILED, OFMeterModFailedCode.BAD_COMMAND,
                    "meter command " + m.getCommand());
        }
    }

    private static void configure(Meter x, OFMeterMod m) throws OfErrorException {
        List<OFMeterBand> bands = m.getMeters();
        if (bands.size() != 1 || !(bands.get(0) instanceof OFMeterBandDrop drop)) {
            throw new OfErrorException(OFErrorType.METER_MOD_FAILED, OFMeterModFailedCode.BAD_BAND,
                    "the simulator's meters have exactly one drop band");
        }
        x.flags = m.getFlags();
        x.bands = bands;
        x.packets = m.getFlags().contains(OFMeterFlags.PKTPS);
        x.rate = drop.getRate();
        x.burst = m.getFlags().contains(OFMeterFlags.BURST) && drop.getBurstSize() > 0 ? drop.getBurstSize() : x.rate;
        if (x.rate == 0) {
            throw new OfErrorException(OFErrorType.METER_MOD_FAILED, OFMeterModFailedCode.INVALID_METER,
                    "meter " + x.id + " has rate 0");
        }
    }

    boolean exists(long id) {
        return meters.containsKey(id);
    }

    /** True when the packet passes the meter (an unknown meter passes nothing). */
    boolean admit(long id, int bytes, long now) {
        Meter x = meters.get(id);
        return x != null && x.admit(bytes, now);
    }

    /** The meters' configuration (flags and bands as set), for a meter-config request. */
    List<org.projectfloodlight.openflow.protocol.OFMeterConfig> config(OFFactory f, long meterId) {
        return meters.values().stream().filter(x -> meterId == 0xffffffffL || x.id == meterId)
                .map(x -> f.buildMeterConfig().setMeterId(x.id).setFlags(x.flags).setEntries(x.bands).build())
                .toList();
    }

    List<OFMeterStats> stats(OFFactory f, long meterId, long now) {
        return meters.values().stream().filter(x -> meterId == 0xffffffffL || x.id == meterId)
                .map(x -> f.buildMeterStats().setMeterId(x.id).setFlowCount(0)
                        .setPacketInCount(U64.of(x.packetsIn)).setByteInCount(U64.of(x.bytesIn))
                        .setDurationSec((now - x.createdNanos) / 1_000_000_000L)
                        .setDurationNsec((now - x.createdNanos) % 1_000_000_000L)
                        .setBandStats(List.of(f.meterBandStats(U64.of(x.dropped), U64.of(x.droppedBytes)))).build())
                .toList();
    }
}
