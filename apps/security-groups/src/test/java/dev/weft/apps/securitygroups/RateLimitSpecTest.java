package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.RateLimit;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.weft.apps.securitygroups.Site.HV1;
import static dev.weft.apps.securitygroups.Site.HV2;
import static dev.weft.apps.securitygroups.Site.at;
import static dev.weft.apps.securitygroups.Site.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits on the simulator's datapath, on a clock the test moves: a VM that floods
 * broadcasts is held to its packet rate at every receiver, local or across a tunnel, while its
 * unicast is not; a configured bandwidth holds what a VM sends; the default broadcast limit
 * applies to ports that set none; limits go with a migrated VM.
 */
class RateLimitSpecTest {
    static final LogicalPort STORM = port("storm", "acme", 5001, 1, "10.0.1.1", List.of(), new RateLimit(0, 0, 100));
    static final LogicalPort NEAR = port("near", "acme", 5001, 2, "10.0.1.2", List.of());
    static final LogicalPort FAR = port("far", "acme", 5001, 3, "10.0.1.3", List.of());
    static final LogicalPort FAT = port("fat", "acme", 5001, 4, "10.0.1.4", List.of("g"), new RateLimit(800, 80, 0));
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2), List.of(Site.tenant("acme", 5001,
            List.of(new dev.weft.api.tenant.SecurityGroup("acme", "g", List.of())), STORM, NEAR, FAR, FAT)));
    static final Map<String, PortLocation> WHERE = Map.of("storm", at(HV1, 1), "near", at(HV1, 2), "far", at(HV2, 1),
            "fat", at(HV1, 4));

    /** Sends {@code perTick} frames every millisecond for {@code millis}; counts arrivals per host. */
    static Map<String, Integer> flood(PipelineModel m, Site.Clock clock, String vm, byte[] frame, int millis, int perTick) {
        Map<String, Integer> got = new HashMap<>();
        for (int t = 0; t < millis; t++) {
            clock.nanos += 1_000_000L;
            for (int i = 0; i < perTick; i++) {
                Reach r = m.send(vm, frame);
                r.copies().forEach((h, n) -> got.merge(h, n, Integer::sum));
            }
        }
        return got;
    }

    @Test
    void aBroadcastStormIsHeldToItsLimitAtEveryReceiver() {
        Site.Clock clock = new Site.Clock();
        Zones z = new Zones();
        PipelineModel m = Site.model(Site.view(CFG, WHERE), new PolicyCompiler(z, d -> true, 0), z, clock);
        byte[] bcast = Frames.from(STORM.mac(), STORM.ips().get(0)).to(MacAddress.BROADCAST, IPv4Address.of("10.0.1.255"))
                .udp(5000, 5000, new byte[64]);
        // 20,000 broadcasts in 2 s (10 per ms): the limit is 100/s with a burst of 10.
        Map<String, Integer> got = flood(m, clock, "storm", bcast, 2000, 10);
        for (String receiver : List.of("near", "far", "fat")) {
            int n = got.getOrDefault(receiver, 0);
            assertTrue(n >= 200 && n <= 210, receiver + " got " + n + " of 20000 (limit 100/s for 2 s + burst 10)");
        }
        assertEquals(got.get("near"), got.get("far"), "every receiver, local or remote, gets the same: " + got);
        // Its unicast is not held by the broadcast limit.
        byte[] unicast = Frames.from(STORM.mac(), STORM.ips().get(0)).to(NEAR.mac(), NEAR.ips().get(0))
                .udp(5000, 5000, new byte[64]);
        assertEquals(Map.of("near", 1000), flood(m, clock, "storm", unicast, 100, 10), "unicast: all 1000 arrive");
    }

    @Test
    void theDefaultBroadcastLimitAppliesToPortsThatSetNone() {
        Site.Clock clock = new Site.Clock();
        Zones z = new Zones();
        PipelineModel m = Site.model(Site.view(CFG, WHERE), new PolicyCompiler(z, d -> true, 50), z, clock);
        byte[] bcast = Frames.from(NEAR.mac(), NEAR.ips().get(0)).arpRequest(IPv4Address.of("10.0.1.99"));
        int n = flood(m, clock, "near", bcast, 1000, 5).getOrDefault("far", 0);
        assertTrue(n >= 50 && n <= 56, "near's ARP broadcasts at far: " + n + " of 5000 (default 50/s, burst 5)");
        // Without a default, nothing holds them.
        Zones z2 = new Zones();
        PipelineModel open = Site.model(Site.view(CFG, WHERE), new PolicyCompiler(z2, d -> true, 0), z2, clock);
        assertEquals(5000, flood(open, clock, "near", bcast, 1000, 5).getOrDefault("far", 0));
    }

    @Test
    void aBandwidthLimitHoldsWhatAVmSends() {
        Site.Clock clock = new Site.Clock();
        Zones z = new Zones();
        PipelineModel m = Site.model(Site.view(CFG, WHERE), new PolicyCompiler(z, d -> true, 0), z, clock);
        // 800 kbps = 100,000 bytes/s; frames of 1000 bytes, 10 per ms (10 MB/s offered) for 1 s.
        byte[] big = Frames.from(FAT.mac(), FAT.ips().get(0)).to(NEAR.mac(), NEAR.ips().get(0))
                .udp(5000, 5000, new byte[1000 - 42]);
        assertEquals(1000, big.length);
        int n = flood(m, clock, "fat", big, 1000, 10).getOrDefault("near", 0);
        assertTrue(n >= 100 && n <= 112, "fat's 1000-byte frames at near in 1 s: " + n + " (800 kbps + 80 kb burst)");
    }

    @Test
    void limitsGoWithAMigratedVm() {
        Site.Clock clock = new Site.Clock();
        Map<String, PortLocation> moved = new HashMap<>(WHERE);
        moved.put("storm", at(HV2, 7));
        Zones z = new Zones();
        PipelineModel m = Site.model(Site.view(CFG, moved), new PolicyCompiler(z, d -> true, 0), z, clock);
        byte[] bcast = Frames.from(STORM.mac(), STORM.ips().get(0)).to(MacAddress.BROADCAST, IPv4Address.of("10.0.1.255"))
                .udp(5000, 5000, new byte[64]);
        Map<String, Integer> got = flood(m, clock, "storm", bcast, 1000, 10);
        int near = got.getOrDefault("near", 0);
        assertTrue(near >= 100 && near <= 110, "from hv2 now, at near (hv1): " + near + " of 10000");
        assertEquals(got.get("near"), got.get("far"), got.toString());
    }
}
