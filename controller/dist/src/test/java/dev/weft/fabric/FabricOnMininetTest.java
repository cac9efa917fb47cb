package dev.weft.fabric;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.topology.Link;
import dev.weft.apps.fabric.Fabric;
import dev.weft.apps.fabric.Target;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.MininetSession;
import dev.weft.ovs.PingResult;
import dev.weft.ovs.RepoFiles;
import dev.weft.ovs.RequiresOvs;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fabric example on real Open vSwitch (userspace datapath) under Mininet, as the README runs
 * it: Weft with examples/fabric/leaf-spine.yaml, the leaf-spine of examples/fabric/leafspine.py
 * (2 spines, 4 leaves; l3 OpenFlow 1.0 only, l4 with entries in one table only), physical servers
 * of three tenants, acme and globex with the same MAC and IP addresses. Each tenant pings within
 * itself while every other tenant's servers capture what arrives (nothing may: acme's pings to
 * 10.0.1.12 must never reach globex's 10.0.1.12); spoofed frames reach nobody; a spine link fails under a 10 ms ping
 * (loss and the reroute's timeline printed), only the two segments on it are recomputed, and traffic goes on.
 */
@RequiresOvs
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class FabricOnMininetTest {
    static final Duration PER_PING = Duration.ofSeconds(1);
    /** Server → leaf and leaf port, as examples/fabric/leafspine.py wires them. */
    static final Map<String, String> AT = Map.of("a1", "l1:3", "a2", "l2:3", "a3", "l4:3", "g1", "l1:4",
            "g2", "l3:3", "g3", "l4:4", "i1", "l2:4", "i2", "l3:4");
    static final List<List<String>> TENANTS = List.of(List.of("a1", "a2", "a3"), List.of("g1", "g2", "g3"),
            List.of("i1", "i2"));

    @Test
    void theFabricExampleOnOpenVSwitch() throws Exception {
        Path yaml = RepoFiles.find("examples/fabric/leaf-spine.yaml", null).orElseThrow();
        Path topo = RepoFiles.find("examples/fabric/leafspine.py", null).orElseThrow();
        WeftConfig cfg = ConfigLoader.load(yaml);
        NetworkConfig net = cfg.network();
        int port = Loopback.freePort();
        try (Controller weft = Controller.start(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", port))).build());
             MininetSession mn = MininetSession.start(MininetSession.Options.of("leafspine",
                     "OpenFlow10,OpenFlow13", port).withCustom(topo).withStartTimeout(Duration.ofSeconds(120)))) {
            Fabric fabric = weft.service(Fabric.class).orElseThrow();
            // l4 limits its tables just after it first connects, then reconnects: wait for what it is now.
            await("six fabric switches, l4 single-table", Duration.ofSeconds(60), () -> fabric.lastInputs()
                    .map(i -> i.targets().size() == 6 && i.targets().get(DatapathId.of(4)) == Target.SINGLE_TABLE)
                    .orElse(false));
            Map<DatapathId, Target> targets = fabric.lastInputs().orElseThrow().targets();
            System.out.println("[ovs-fabric] targets: " + new TreeMap<>(targets));
            assertEquals(Target.SINGLE_TABLE_OF10, targets.get(DatapathId.of(3)), "l3 speaks OpenFlow 1.0 only");
            assertEquals(Target.SINGLE_TABLE, targets.get(DatapathId.of(4)), "l4 takes entries in table 0 only");
            assertEquals(Target.MULTI_TABLE, targets.get(DatapathId.of(1)));
            assertEquals(Target.MULTI_TABLE, targets.get(DatapathId.of(0x101)));

            // i2 is bound by MAC: it is found when it speaks.
            long t0 = System.nanoTime();
            await("i2 found by its MAC and i1 <-> i2", Duration.ofSeconds(60),
                    () -> mn.ping("i2", "i1", PER_PING).allReceived());
            System.out.printf("[ovs-fabric] first i1<->i2 ping after %d ms; i2 at %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), fabric.macLocation("i2"));
            assertEquals(new PortLocation(DatapathId.of(3), org.projectfloodlight.openflow.types.OFPort.of(4)),
                    fabric.macLocation("i2").orElseThrow());

            // The reachability matrix, tenant by tenant, with everyone else's ports watched.
            for (List<String> tenant : TENANTS) {
                List<String> others = AT.keySet().stream().filter(h -> !tenant.contains(h)).sorted().toList();
                // The watched hosts forget their ARP entries first (MininetSession.watch): a host
                // that answered a ping a few seconds ago re-checks its entry by itself.
                Map<String, String> watch = mn.watch(others);
                for (String a : tenant) {
                    for (String b : tenant) {
                        if (a.compareTo(b) < 0) {
                            PingResult r = pingUntil(mn, a, b);
                            assertTrue(r.allReceived(), a + " <-> " + b + ": " + r);
                        }
                    }
                }
                MininetSession.Watched got = mn.stopWatch(watch);
                diagnose(mn, got);
                assertEquals(0, got.frames(), "frames reached other tenants while " + tenant + " talked: " + got);
                System.out.printf("[ovs-fabric] %s reach each other; the other tenants' servers got nothing%n", tenant);
            }

            // Spoofing on an edge port: a1 as a2 (MAC), as a2 (IP), tagged into another VLAN; nobody gets it.
            LogicalPort a1 = net.port("a1").orElseThrow();
            LogicalPort a2 = net.port("a2").orElseThrow();
            LogicalPort a3 = net.port("a3").orElseThrow();
            Map<String, String> watch = mn.watch(AT.keySet().stream().filter(h -> !h.equals("a1")).toList());
            // Each carries a marker (ICMP id 24301, ARP for an address nobody has) to tell it from
            // a1's own traffic, which goes on meanwhile.
            List<byte[]> spoofed = List.of(
                    Frames.from(a2.mac(), a1.ips().get(0)).to(a3.mac(), a3.ips().get(0)).echoRequest(24301, 1),
                    Frames.from(a1.mac(), a2.ips().get(0)).to(a3.mac(), a3.ips().get(0)).echoRequest(24301, 2),
                    Frames.from(a1.mac(), a2.ips().get(0)).arpRequest(IPv4Address.of("10.0.1.250")),
                    Frames.from(a1.mac(), a1.ips().get(0)).vlan(1).to(MacAddress.BROADCAST)
                            .arpRequest(IPv4Address.of("10.0.1.251")),
                    Frames.from(MacAddress.of("02:00:0a:00:09:01"), IPv4Address.of("10.0.9.1"))
                            .arpRequest(IPv4Address.of("10.0.9.250")));
            List<String> markers = List.of("id 24301", "who-has 10.0.1.250", "who-has 10.0.1.251",
                    "who-has 10.0.9.250");
            for (byte[] f : spoofed) {
                mn.command(Duration.ofSeconds(20), "send-raw", "a1", HexFormat.of().formatHex(f), "5");
            }
            MininetSession.Watched got = mn.stopWatch(watch);
            List<String> arrived = got.byHost().values().stream().flatMap(v -> ((List<?>) ((Map<?, ?>) v).get("lines")).stream())
                    .map(Object::toString).filter(l -> markers.stream().anyMatch(l::contains)).toList();
            assertEquals(List.of(), arrived, "spoofed frames from a1 arrived");
            System.out.printf("[ovs-fabric] %d spoofed frames sent by a1 (another's MAC, another's IP, a VLAN tag, "
                    + "another tenant's MAC); arrived anywhere: %d%n", spoofed.size() * 5, arrived.size());
            assertTrue(pingUntil(mn, "a1", "a3").allReceived(), "a1 itself still reaches a3");

            // A spine link fails under a 10 ms ping from a1 (l1) to a3 (l4); acme's tree is rooted at
            // l1 and goes through s1 (ties go to the lower datapath id): cut l1-s1.
            Map<String, Object> started = mn.command(Duration.ofSeconds(20), "ping-start", "a1", "a3", "0.01", "500");
            TimeUnit.MILLISECONDS.sleep(1500); // the ping runs a while before the failure
            // Where the time goes: the fabric app reports the reroute (first port-down seen, link
            // removed, pass, flow-mods sent, barrier replies), read once it is over.
            Link cut = Link.of(1, 1, 0x101, 1);
            java.util.Optional<dev.weft.apps.fabric.Reroute> before = fabric.lastReroute();
            long cutAt = System.nanoTime();
            mn.link("l1", "s1", false);
            long linkCall = System.nanoTime() - cutAt;
            await("the reroute after l1-s1 went down", Duration.ofSeconds(30), () -> fabric.lastReroute()
                    .filter(r -> !r.equals(before.orElse(null)) && r.lost().stream().anyMatch(l -> l.equals(cut)
                            || l.equals(cut.reversed()))).isPresent());
            dev.weft.apps.fabric.Reroute rr = fabric.lastReroute().orElseThrow();
            System.out.printf("[ovs-fabric] l1-s1 cut: the link-down command returned after %.1f ms; the first "
                    + "port-down reached the fabric app %.1f ms after the command started; %s%n", linkCall / 1e6,
                    (rr.portDown() - cutAt) / 1e6, rr);
            assertTrue(rr.incremental(), "only the segments on the cut link are recomputed: " + rr);
            assertEquals(2, rr.recomputed(), "acme's and globex's trees used l1-s1, initech's did not: " + rr);
            Map<String, Object> done = mn.command(Duration.ofSeconds(60), "ping-wait", (String) started.get("id"), "30");
            int sent = ((Number) done.get("sent")).intValue();
            int received = ((Number) done.get("received")).intValue();
            System.out.printf("[ovs-fabric] l1-s1 down under a 10 ms ping a1 -> a3: %d sent, %d received, %d lost "
                    + "(about %d ms without service); %s%n", sent, received, sent - received, (sent - received) * 10,
                    done.get("summary"));
            assertTrue(received > 0 && sent > 0, done.toString());
            for (List<String> tenant : TENANTS) {
                for (String a : tenant) {
                    for (String b : tenant) {
                        if (a.compareTo(b) < 0) {
                            assertTrue(pingUntil(mn, a, b).allReceived(), a + " <-> " + b + " after l1-s1 failed");
                        }
                    }
                }
            }
        }
    }

    static void diagnose(MininetSession mn, MininetSession.Watched got) {
        if (got.frames() > 0) {
            for (String sw : List.of("l1", "l2", "l3", "l4", "s1", "s2")) {
                System.out.println("[ovs-fabric] " + sw + ": " + mn.ofctl("show", sw));
                System.out.println("[ovs-fabric] " + sw + " flows: " + String.join("\n", mn.dumpFlows(sw)));
            }
        }
    }

    /** Pings until both directions arrive (the first ones may wait for the fabric to converge), 20 tries. */
    static PingResult pingUntil(MininetSession mn, String a, String b) {
        PingResult r = null;
        for (int i = 0; i < 20; i++) {
            r = mn.ping(a, b, PER_PING);
            if (r.allReceived()) {
                return r;
            }
        }
        return r;
    }

    static void await(String what, Duration max, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
