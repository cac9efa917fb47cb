package dev.weft.it;

import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security-groups app in the real controller, with the example secure-tenants.yaml on
 * simulated hypervisors over loopback TCP: its meters reach the switches before the entries that
 * use them (a switch refuses an entry naming a meter it lacks), and the groups and limits do what
 * the specs say, through the whole path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecurityGroupsOnSimTest {
    static TenantFabric fabric;

    @BeforeAll
    static void start() throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/secure-tenants.yaml"));
        fabric = new TenantFabric(yaml, Map.of("acme-web1", "hv1", "acme-client", "hv1", "acme-db1", "hv2",
                "acme-admin1", "hv2", "globex-web1", "hv1", "globex-client", "hv2"),
                List.of("isolation", "tenant-networks", "security-groups"));
    }

    @AfterAll
    static void stop() {
        if (fabric != null) {
            fabric.close();
        }
    }

    static FrameBuilder from(String vm) {
        SimHost h = fabric.vm(vm);
        return Frames.from(h.mac(), h.ip());
    }

    static Delivery tcp(String a, String b, int dport, int flags) {
        SimHost to = fabric.vm(b);
        return fabric.net.trace(a, from(a).to(to.mac(), to.ip()).tcp(40000 + dport % 1000, dport, flags));
    }

    @Test
    void groupsThroughTheWholePath() {
        assertTrue(tcp("acme-client", "acme-web1", 80, FrameBuilder.SYN).reachedExactly("acme-web1"), "tcp 80");
        assertTrue(tcp("acme-client", "acme-web1", 22, FrameBuilder.SYN).receivers().isEmpty(), "tcp 22");
        assertTrue(tcp("acme-web1", "acme-db1", 5432, FrameBuilder.SYN).reachedExactly("acme-db1"), "remote group");
        assertTrue(tcp("acme-client", "acme-db1", 5432, FrameBuilder.SYN).receivers().isEmpty(), "not in web");
        SimHost web1 = fabric.vm("acme-web1");
        Delivery ping = fabric.net.trace("acme-admin1", from("acme-admin1").to(web1.mac(), web1.ip()).echoRequest(1, 1));
        assertTrue(ping.reachedExactly("acme-web1"), "ping from admin: " + ping.receivers());
        Delivery refused = fabric.net.trace("acme-client", from("acme-client").to(web1.mac(), web1.ip()).echoRequest(2, 1));
        assertTrue(refused.receivers().isEmpty(), "ping from client: " + refused.receivers());
        assertTrue(tcp("globex-client", "globex-web1", 443, FrameBuilder.SYN).reachedExactly("globex-web1"), "globex 443");
        assertTrue(tcp("globex-client", "globex-web1", 80, FrameBuilder.SYN).receivers().isEmpty(), "globex 80");
    }

    @Test
    void web1sBroadcastsGoThroughItsMeter() throws Exception {
        // acme-web1 (broadcast-pps 100): its broadcasts pass its meter on hv1, which counts them
        // (how the meter holds a flood is RateLimitSpecTest's, on a clock the test moves: here
        // each trace takes milliseconds, so the bucket refills between them).
        var hv1 = fabric.controller.switches().get(fabric.config.node("hv1").orElseThrow().dpid()).orElseThrow();
        byte[] b = from("acme-web1").to(MacAddress.BROADCAST, IPv4Address.of("10.0.1.255")).udp(9, 9, new byte[8]);
        long before = meterPackets(hv1);
        int got = 0;
        for (int i = 0; i < 20; i++) {
            got += fabric.net.trace("acme-web1", b).copiesAt("acme-client");
        }
        long counted = meterPackets(hv1) - before;
        System.out.printf("[spec] 20 broadcasts from acme-web1: acme-client got %d; hv1's meters counted %d%n", got,
                counted);
        assertTrue(got >= 10, "the burst passes: " + got);
        assertTrue(counted >= 20, "the meters of hv1 saw the 20 broadcasts: " + counted);
    }

    /**
     * Meters are read back from each switch when it connects and only what it lacks is sent: no
     * meter-mod crosses the read (a meter added twice would be answered METER_EXISTS).
     */
    @Test
    void noSwitchAnsweredAnError() {
        long errors = fabric.controller.switchTotals().stream()
                .mapToLong(dev.weft.core.openflow.SwitchTotals::errors).sum();
        org.junit.jupiter.api.Assertions.assertEquals(0, errors, fabric.controller.switchTotals().toString());
    }

    /** Packets that went into any meter of a switch (from its meter statistics). */
    static long meterPackets(dev.weft.api.Switch sw) throws Exception {
        return sw.requestStats(sw.factory().buildMeterStatsRequest().setMeterId(0xffffffffL).build())
                .get(10, TimeUnit.SECONDS).stream().flatMap(r -> r.getEntries().stream())
                .mapToLong(m -> m.getPacketInCount().getValue()).sum();
    }
}
