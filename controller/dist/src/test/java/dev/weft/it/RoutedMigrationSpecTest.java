package dev.weft.it;

import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.FrameOrigin;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VM that migrates keeps its routes and its floating IP, on the simulator: acme-web1 (floating
 * IP 203.0.113.20) moves from hv1 to hv2; its router's entries follow it there, the gateway node
 * sends its inbound traffic to its new hypervisor, and a connection from outside opened before
 * the move goes on after it (the translation lives on the gateway node).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoutedMigrationSpecTest {
    static final IPv4Address FLOATING = IPv4Address.of("203.0.113.20");

    static byte[] echoFromOutside(SimHost outside, MacAddress gateway, int seq) {
        return Frames.from(outside.mac(), outside.ip()).to(gateway, FLOATING).echoRequest(42, seq, new byte[16]);
    }

    @Test
    void aMigratedVmKeepsItsRoutesAndItsFloatingIp() throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/routed-tenants.yaml"));
        List<String> apps = List.of("isolation", "tenant-networks", "routers", "dhcp", "mobility");
        try (TenantFabric f = new TenantFabric(yaml, RoutedTenantsSpecTest.PLACEMENT, apps)) {
            SimHost outside = f.vm("public");
            SimHost web1 = f.vm("acme-web1");
            MacAddress gateway = f.config.router(6001).orElseThrow().gateway().orElseThrow().mac();
            Delivery before = f.net.trace("public", echoFromOutside(outside, gateway, 1));
            assertEquals(Set.of("acme-web1"), before.receivers(), before.toString());
            assertEquals(List.of("gw1", "hv1"), before.switchesVisited().stream().distinct().limit(2).toList());

            f.net.moveHost("acme-web1", "hv2", null);
            f.net.gratuitousArp("acme-web1");
            TenantFabric.awaitConverged(f.controller, 6);
            assertEquals("hv2", web1.switchName());

            // The same ICMP conversation (id 42) from outside goes on, now to hv2.
            Delivery after = f.net.trace("public", echoFromOutside(outside, gateway, 2));
            assertEquals(Set.of("acme-web1"), after.receivers(), after.toString());
            assertEquals(List.of("gw1", "hv2"), after.switchesVisited().stream().distinct().limit(2).toList(),
                    after.hops().toString());
            byte[] reply = after.receivedBy("public", FrameOrigin.HOST_REPLY).get(0);
            assertEquals(FLOATING, IPv4Address.of(java.util.Arrays.copyOfRange(reply, 26, 30)));
            // Routed from its new hypervisor, and routed to it.
            Delivery out = f.net.trace("acme-web1", RoutedTenantsSpecTest.routedPing(f, web1,
                    f.vm("acme-db1").ip(), 64, 3));
            assertEquals(Set.of("acme-db1"), out.receivers(), out.toString());
            assertEquals(63, out.receivedBy("acme-db1", FrameOrigin.INJECTED).get(0)[22] & 0xff);
            assertEquals(1, out.receivedBy("acme-web1", FrameOrigin.HOST_REPLY).size(), out.toString());
            assertTrue(out.switchesVisited().get(0).equals("hv2"), "routed where it is sent: " + out.hops());
        }
    }
}
