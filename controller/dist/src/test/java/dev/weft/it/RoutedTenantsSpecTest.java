package dev.weft.it;

import dev.weft.api.tenant.RouterPort;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.FrameOrigin;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.Checksums;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Specs of logical routers and DHCP on the simulator, with Weft programming it: the example
 * {@code routed-tenants.yaml} (two tenants with identical subnets, router addresses, MACs and
 * IPs, their VMs on the same hypervisors), then what a frame does. globex's gateway is left out
 * here, so that its router has no way out (net unreachable).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoutedTenantsSpecTest {
    static final Map<String, String> PLACEMENT = Map.of(
            "acme-web1", "hv1", "acme-db1", "hv1", "acme-web2", "hv2",
            "globex-web1", "hv1", "globex-db1", "hv1", "globex-web2", "hv2");
    static TenantFabric fabric;

    @BeforeAll
    static void up() throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/routed-tenants.yaml"));
        String noGlobexGateway = yaml.replaceAll("(?s)(ip: 10.0.2.1 \\}\\n)        gateway:\\n          network: public\\n"
                + "          ip: 203.0.113.11\\n          floating-ips:\\n            - \\{ ip: 203.0.113.21, port: globex-web1 \\}\\n", "$1");
        assertTrue(!noGlobexGateway.equals(yaml), "globex's gateway removed");
        fabric = new TenantFabric(noGlobexGateway, PLACEMENT, TenantFabric.L3_APPS);
    }

    @AfterAll
    static void down() {
        if (fabric != null) {
            fabric.close();
        }
    }

    static SimHost vm(String name) {
        return fabric.vm(name);
    }

    /** The router's port on the network of {@code vm}. */
    static RouterPort routerOf(String vm) {
        return routerOf(fabric, vm);
    }

    static RouterPort routerOf(TenantFabric f, String vm) {
        int seg = f.config.port(vm).orElseThrow().segment();
        return f.config.router(seg).orElseThrow().port(seg).orElseThrow();
    }

    static byte[] routedPing(SimHost from, IPv4Address dst, int ttl, int seq) {
        return routedPing(fabric, from, dst, ttl, seq);
    }

    /** An echo request from {@code from} to {@code dst} through its router, with this TTL. */
    static byte[] routedPing(TenantFabric f, SimHost from, IPv4Address dst, int ttl, int seq) {
        byte[] b = Frames.from(from.mac(), from.ip()).to(routerOf(f, from.name()).mac(), dst).echoRequest(9, seq, new byte[32]);
        b[22] = (byte) ttl;
        b[24] = 0;
        b[25] = 0;
        int c = Checksums.internet(b, 14, 20);
        b[24] = (byte) (c >>> 8);
        b[25] = (byte) c;
        return b;
    }

    static int ttl(byte[] frame) {
        return frame[22] & 0xff;
    }

    static String tenantOf(String vm) {
        return fabric.config.port(vm).orElseThrow().tenant();
    }

    @Test
    void aPingToAnotherNetworkIsRoutedOnTheSendersHypervisorWithTtlOneLess() {
        SimHost web1 = vm("acme-web1");
        SimHost db1 = vm("acme-db1");
        assertEquals(web1.switchName(), db1.switchName(), "same hypervisor");
        Delivery d = fabric.net.trace("acme-web1", routedPing(web1, db1.ip(), 64, 1));
        assertEquals(1, d.copiesAt("acme-db1"), d.toString());
        byte[] got = d.receivedBy("acme-db1", FrameOrigin.INJECTED).get(0);
        assertEquals(63, ttl(got), "TTL one less");
        assertTrue(Checksums.verify(got, 14, 20), "IPv4 checksum still right");
        assertEquals(routerOf("acme-db1").mac(), Frames.ethSrc(got), "from the router's MAC on db");
        assertEquals(db1.mac(), Frames.ethDst(got));
        // db1's reply is routed back on its own hypervisor.
        List<byte[]> replies = d.receivedBy("acme-web1", FrameOrigin.HOST_REPLY);
        assertEquals(1, replies.size(), d.toString());
        assertEquals(63, ttl(replies.get(0)));
        assertEquals(Set.of("hv1"), Set.copyOf(d.switchesVisited()), "never left the hypervisor");
        assertEquals(0, d.packetIns(), "no controller on the way");
    }

    @Test
    void aPingToAnotherHypervisorGoesStraightThere() {
        SimHost web2 = vm("acme-web2");
        assertEquals("hv2", web2.switchName());
        assertEquals(IPv4Address.of("10.0.1.100"), web2.ip(), "its address came from the DHCP range");
        Delivery d = fabric.net.trace("acme-web2", routedPing(web2, vm("acme-db1").ip(), 64, 2));
        assertEquals(Set.of("acme-db1"), d.receivers(), d.toString());
        assertEquals(63, ttl(d.receivedBy("acme-db1", FrameOrigin.INJECTED).get(0)));
        assertEquals(63, ttl(d.receivedBy("acme-web2", FrameOrigin.HOST_REPLY).get(0)));
        assertEquals(Set.of("hv1", "hv2"), Set.copyOf(d.switchesVisited()), "through no gateway node: " + d.hops());
        assertEquals(0, d.packetIns());
    }

    @Test
    void tenantsWithIdenticalSubnetsAndRoutersNeverMeet() {
        List<String> wrong = new ArrayList<>();
        List<SimHost> vms = fabric.net.hosts().stream().filter(h -> fabric.config.port(h.name()).isPresent()).toList();
        for (SimHost a : vms) {
            for (SimHost b : vms) {
                if (a == b || a.ip().equals(b.ip()) || fabric.config.port(a.name()).orElseThrow().segment()
                        == fabric.config.port(b.name()).orElseThrow().segment()) {
                    continue;
                }
                // a routes to b's address: its own tenant's VM with that address gets it, nobody else.
                Delivery d = fabric.net.trace(a.name(), routedPing(a, b.ip(), 64, 3));
                String expected = vms.stream().filter(h -> tenantOf(h.name()).equals(tenantOf(a.name()))
                        && h.ip().equals(b.ip())).map(SimHost::name).findFirst().orElseThrow();
                Set<String> got = Set.copyOf(d.receivers());
                if (!got.equals(Set.of(expected)) || d.receivedBy(a.name(), FrameOrigin.HOST_REPLY).size() != 1) {
                    wrong.add(a.name() + " -> " + b.ip() + ": reached " + got + ", expected " + expected);
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertArrayEquals(routerOf("acme-web1").mac().getBytes(), routerOf("globex-web1").mac().getBytes(),
                "the same router MAC in both tenants");
    }

    @Test
    void theRouterAnswersArpAndPingForItsAddressesOnTheAskersHypervisor() {
        SimHost web1 = vm("acme-web1");
        RouterPort gw = routerOf("acme-web1");
        Delivery arp = fabric.net.trace("acme-web1", Frames.from(web1.mac(), web1.ip()).arpRequest(gw.ip()));
        assertEquals(Set.of("acme-web1"), arp.receivers(), "only the asker: " + arp);
        var reply = Frames.parseArp(arp.receivedBy("acme-web1", FrameOrigin.INJECTED).get(0));
        assertEquals(2, reply.op());
        assertEquals(gw.mac(), reply.sha());
        assertEquals(gw.ip(), reply.spa());
        assertEquals(List.of("hv1"), arp.switchesVisited());
        assertEquals(0, arp.packetIns());
        // Ping any of the router's addresses, its one on db included.
        for (IPv4Address addr : List.of(gw.ip(), routerOf("acme-db1").ip())) {
            Delivery d = fabric.net.trace("acme-web1", routedPing(web1, addr, 64, 4));
            assertEquals(Set.of("acme-web1"), d.receivers(), d.toString());
            var echo = Frames.parseIcmpEcho(d.receivedBy("acme-web1", FrameOrigin.INJECTED).get(0));
            assertTrue(!echo.request(), "an echo reply");
            assertEquals(addr, echo.src());
            assertEquals(web1.ip(), echo.dst());
            assertEquals(0, d.packetIns());
        }
    }

    @Test
    void aTtlThatRunsOutGetsTimeExceededFromTheRouter() {
        SimHost web1 = vm("acme-web1");
        Delivery d = fabric.net.trace("acme-web1", routedPing(web1, vm("acme-db1").ip(), 1, 5));
        assertEquals(0, d.copiesAt("acme-db1"), "not forwarded: " + d);
        List<byte[]> got = d.receivedBy("acme-web1", FrameOrigin.CONTROLLER);
        assertEquals(1, got.size(), d.toString());
        byte[] icmp = got.get(0);
        assertEquals(11, icmp[34] & 0xff, "time exceeded");
        assertEquals(0, icmp[35]);
        assertEquals(routerOf("acme-web1").ip(), IPv4Address.of(java.util.Arrays.copyOfRange(icmp, 26, 30)));
        assertEquals(web1.ip(), IPv4Address.of(java.util.Arrays.copyOfRange(icmp, 30, 34)));
        assertTrue(Checksums.verify(icmp, 14, 20) && Checksums.verify(icmp, 34, icmp.length - 34), "checksums");
        assertEquals(vm("acme-db1").ip(), IPv4Address.of(java.util.Arrays.copyOfRange(icmp, 34 + 8 + 16, 34 + 8 + 20)),
                "it quotes the packet that ran out");
        assertEquals(1, d.packetIns());
        assertEquals(List.of("hv1"), d.switchesVisited(), "answered on the sender's hypervisor");
    }

    @Test
    void noPortOrNoRouteGetsUnreachable() {
        SimHost web1 = vm("acme-web1");
        Delivery host = fabric.net.trace("acme-web1", routedPing(web1, IPv4Address.of("10.0.2.99"), 64, 6));
        byte[] icmp = host.receivedBy("acme-web1", FrameOrigin.CONTROLLER).get(0);
        assertEquals(3, icmp[34] & 0xff, "destination unreachable");
        assertEquals(1, icmp[35], "host unreachable: inside db's subnet, no such port");
        SimHost g1 = vm("globex-web1");
        Delivery net = fabric.net.trace("globex-web1", routedPing(g1, IPv4Address.of("198.18.0.1"), 64, 7));
        byte[] icmp2 = net.receivedBy("globex-web1", FrameOrigin.CONTROLLER).get(0);
        assertEquals(3, icmp2[34] & 0xff);
        assertEquals(0, icmp2[35], "net unreachable: no route (globex has no gateway here)");
        assertEquals(Set.of(), net.receivers(), "the packet itself went nowhere");
    }

    @Test
    void dhcpGivesTheConfiguredAddressGatewayDnsMtuAndLease() {
        SimHost web2 = vm("acme-web2");
        Delivery offer = fabric.net.trace("acme-web2", DhcpFrames.request(web2.mac(), web2.mac(), DhcpFrames.DISCOVER,
                0x1234, null));
        assertEquals(Set.of(), offer.receivers(), "the discover reached nobody: " + offer);
        DhcpFrames.Answer o = DhcpFrames.parse(offer.receivedBy("acme-web2", FrameOrigin.CONTROLLER).get(0));
        assertEquals(DhcpFrames.OFFER, o.type());
        assertEquals(0x1234, o.xid());
        assertEquals(IPv4Address.of("10.0.1.100"), o.yiaddr(), "the address the range gave acme-web2");
        assertEquals(IPv4Address.of("10.0.1.1"), o.option4(3), "the router is the gateway");
        assertEquals(IPv4Address.of("10.0.1.1"), o.option4(54), "and the server");
        assertEquals(IPv4Address.of("10.0.1.1"), o.option4(6), "DNS");
        assertEquals(IPv4Address.of("255.255.255.0"), o.option4(1));
        assertEquals(1450, o.optionInt(26), "MTU under VXLAN");
        assertEquals(3600, o.optionInt(51), "lease 1h");
        assertEquals(68, o.udpDst(), "to the client port");
        assertEquals(List.of("hv2"), offer.switchesVisited(), "answered on the VM's hypervisor");
        Delivery ack = fabric.net.trace("acme-web2", DhcpFrames.request(web2.mac(), web2.mac(), DhcpFrames.REQUEST,
                0x1235, IPv4Address.of("10.0.1.100")));
        assertEquals(DhcpFrames.ACK, DhcpFrames.parse(ack.receivedBy("acme-web2", FrameOrigin.CONTROLLER).get(0)).type());
        Delivery nak = fabric.net.trace("acme-web2", DhcpFrames.request(web2.mac(), web2.mac(), DhcpFrames.REQUEST,
                0x1236, IPv4Address.of("10.0.1.11")));
        assertEquals(DhcpFrames.NAK, DhcpFrames.parse(nak.receivedBy("acme-web2", FrameOrigin.CONTROLLER).get(0)).type(),
                "another VM's address is refused");
        // The twin in the other tenant, same MAC on the same kind of network, gets its own tenant's answer.
        SimHost g1 = vm("globex-web1");
        Delivery g = fabric.net.trace("globex-web1", DhcpFrames.request(g1.mac(), g1.mac(), DhcpFrames.DISCOVER, 7, null));
        assertEquals(IPv4Address.of("10.0.1.11"), DhcpFrames.parse(g.receivedBy("globex-web1", FrameOrigin.CONTROLLER)
                .get(0)).yiaddr());
        assertEquals(Set.of(), g.receivers());
    }

    @Test
    void dhcpFromAnotherMacOrForAnotherClientGetsNothing() {
        SimHost web1 = vm("acme-web1");
        MacAddress other = vm("acme-web2").mac();
        Delivery spoofed = fabric.net.trace("acme-web1", DhcpFrames.request(other, other, DhcpFrames.DISCOVER, 1, null));
        assertEquals(Set.of(), spoofed.receivers(), "port security drops a foreign MAC: " + spoofed);
        assertEquals(0, spoofed.packetIns());
        Delivery forOther = fabric.net.trace("acme-web1", DhcpFrames.request(web1.mac(), other, DhcpFrames.DISCOVER, 2,
                null));
        assertEquals(Set.of(), forOther.receivers(), "asking for another client's lease: " + forOther);
        // Other traffic from 0.0.0.0 is still dropped at the port.
        Delivery udp = fabric.net.trace("acme-web1", Frames.from(web1.mac(), IPv4Address.NONE).to(MacAddress.BROADCAST, IPv4Address.NO_MASK).udp(68, 69, new byte[20]));
        assertEquals(Set.of(), udp.receivers());
        assertEquals(0, udp.packetIns());
    }

    @Test
    void outboundTrafficLeavesFromTheRoutersAddressOrTheFloatingIpThroughTheGatewayNode() {
        SimHost outside = vm("public");
        SimHost web2 = vm("acme-web2");
        Delivery d = fabric.net.trace("acme-web2", routedPing(web2, outside.ip(), 64, 20));
        assertEquals(Set.of("public"), d.receivers(), d.toString());
        byte[] got = d.receivedBy("public", FrameOrigin.INJECTED).get(0);
        assertEquals(IPv4Address.of("203.0.113.10"), IPv4Address.of(java.util.Arrays.copyOfRange(got, 26, 30)),
                "source NAT to the router's outside address");
        assertEquals(63, ttl(got), "one router hop");
        assertEquals(outside.mac(), Frames.ethDst(got));
        List<byte[]> back = d.receivedBy("acme-web2", FrameOrigin.HOST_REPLY);
        assertEquals(1, back.size(), "the reply is translated back to the VM: " + d);
        assertEquals(web2.ip(), IPv4Address.of(java.util.Arrays.copyOfRange(back.get(0), 30, 34)));
        assertEquals(List.of("hv2", "gw1"), d.switchesVisited().stream().distinct().toList(), d.hops().toString());
        // A VM with a floating IP goes out from it.
        Delivery f = fabric.net.trace("acme-web1", routedPing(vm("acme-web1"), outside.ip(), 64, 21));
        byte[] fromFloating = f.receivedBy("public", FrameOrigin.INJECTED).get(0);
        assertEquals(IPv4Address.of("203.0.113.20"), IPv4Address.of(java.util.Arrays.copyOfRange(fromFloating, 26, 30)));
        assertEquals(1, f.receivedBy("acme-web1", FrameOrigin.HOST_REPLY).size(), f.toString());
        assertEquals(0, d.packetIns() + f.packetIns());
    }

    @Test
    void aFloatingIpIsReachableFromOutsideAndNothingElseIs() {
        SimHost outside = vm("public");
        Delivery arp = fabric.net.trace("public", Frames.from(outside.mac(), outside.ip()).arpRequest(IPv4Address.of("203.0.113.20")));
        var reply = Frames.parseArp(arp.receivedBy("public", FrameOrigin.INJECTED).get(0));
        MacAddress gatewayMac = reply.sha();
        assertEquals(fabric.config.router(6001).orElseThrow().gateway().orElseThrow().mac(), gatewayMac);
        Delivery in = fabric.net.trace("public", Frames.from(outside.mac(), outside.ip()).to(gatewayMac, IPv4Address.of("203.0.113.20")).echoRequest(3, 1, new byte[16]));
        assertEquals(Set.of("acme-web1"), in.receivers(), in.toString());
        byte[] got = in.receivedBy("acme-web1", FrameOrigin.INJECTED).get(0);
        assertEquals(vm("acme-web1").ip(), IPv4Address.of(java.util.Arrays.copyOfRange(got, 30, 34)), "to its fixed IP");
        assertEquals(routerOf("acme-web1").mac(), Frames.ethSrc(got));
        byte[] out = in.receivedBy("public", FrameOrigin.HOST_REPLY).get(0);
        assertEquals(IPv4Address.of("203.0.113.20"), IPv4Address.of(java.util.Arrays.copyOfRange(out, 26, 30)),
                "the reply leaves from the floating IP");
        // The router's own outside address lets in only replies; a fixed address is not reachable.
        for (String to : List.of("203.0.113.10", "10.0.1.11", "203.0.113.21")) {
            Delivery no = fabric.net.trace("public", Frames.from(outside.mac(), outside.ip()).to(gatewayMac, IPv4Address.of(to)).echoRequest(4, 1, new byte[16]));
            assertEquals(Set.of(), no.receivers(), to + ": " + no);
        }
    }
}
