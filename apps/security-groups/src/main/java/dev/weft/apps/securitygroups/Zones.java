package dev.weft.apps.securitygroups;

import org.projectfloodlight.openflow.types.DatapathId;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Each filtered or rate-limited port's connection-tracking zone on the hypervisor where it is,
 * unique there, and its meter ids derived from it. A port's zone is its own conntrack table:
 * what it sent is committed there and its replies are found there, and what another port on the
 * same hypervisor committed can never pass for it. The zone is taken from a hash of the port's
 * name (so a restarted controller picks the same one), probing past zones already taken on that
 * hypervisor and the zones of routers that lead out there; once given, it stays while the port
 * stays. Written on the control lane, read by compilations (possibly in parallel).
 */
final class Zones {
    static final int MIN = 0x1000;
    static final int SPAN = 0xf000 - 1;

    private final Map<DatapathId, Map<String, Integer>> byHost = new ConcurrentHashMap<>();
    private final Map<DatapathId, Map<Integer, String>> taken = new HashMap<>();

    /** The zone of {@code port} on {@code dpid}, assigning one if it has none ({@code reserved}: routers' zones there). */
    synchronized int assign(DatapathId dpid, String port, Set<Integer> reserved) {
        Map<String, Integer> zones = byHost.computeIfAbsent(dpid, d -> new ConcurrentHashMap<>());
        Integer z = zones.get(port);
        if (z != null) {
            return z;
        }
        Map<Integer, String> used = taken.computeIfAbsent(dpid, d -> new HashMap<>());
        int start = home(port);
        for (int i = 0; i < SPAN; i++) {
            int candidate = MIN + (start + i) % SPAN;
            if (!used.containsKey(candidate) && !reserved.contains(candidate)) {
                used.put(candidate, port);
                zones.put(port, candidate);
                return candidate;
            }
        }
        throw new IllegalStateException(dpid + " has no free connection-tracking zone for port " + port);
    }

    /** The port left {@code dpid}: its zone is free again. */
    synchronized void release(DatapathId dpid, String port) {
        Map<String, Integer> zones = byHost.get(dpid);
        Integer z = zones == null ? null : zones.remove(port);
        if (z != null) {
            taken.get(dpid).remove(z);
        }
    }

    /** The zone of a port on a hypervisor, or -1 when it has none there (yet). */
    int zone(DatapathId dpid, String port) {
        Map<String, Integer> zones = byHost.get(dpid);
        Integer z = zones == null ? null : zones.get(port);
        return z == null ? -1 : z;
    }

    static int home(String port) {
        CRC32 crc = new CRC32();
        crc.update(port.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SPAN);
    }

    /** The meter of everything the port sends. */
    static long bandwidthMeter(int zone) {
        return 2L * zone;
    }

    /** The meter of what the port broadcasts or multicasts. */
    static long broadcastMeter(int zone) {
        return 2L * zone + 1;
    }
}
