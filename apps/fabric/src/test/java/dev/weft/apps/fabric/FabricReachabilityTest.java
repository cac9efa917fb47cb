package dev.weft.apps.fabric;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.weft.apps.fabric.LeafSpine.HOSTS;
import static dev.weft.apps.fabric.LeafSpine.tenantOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenant networks on a leaf-spine of hardware-like switches (in process): physical servers of
 * three tenants, two with identical addresses, on leaves that speak OpenFlow 1.3 with two tables,
 * OpenFlow 1.3 with one table, and OpenFlow 1.0. Says where frames go, never how many entries.
 */
class FabricReachabilityTest {

    static byte[] ping(LogicalPort from, LogicalPort to) {
        return Frames.from(from.mac(), from.ips().get(0)).to(to.mac(), to.ips().get(0)).echoRequest(1, 1);
    }

    /** The matrix a ping of every server to every other gives: "x>y" for each pair that arrives (alone, once). */
    static List<String> matrix(FabricModel m) {
        List<String> got = new ArrayList<>();
        for (String a : HOSTS) {
            for (String b : HOSTS) {
                if (a.equals(b)) {
                    continue;
                }
                Reach r = m.send(a, ping(m.port(a), m.port(b)));
                if (r.reachedOnly(b)) {
                    got.add(a + ">" + b);
                } else {
                    assertTrue(r.reachedNobody() || !r.hosts().contains(b) && r.hosts().stream()
                            .noneMatch(h -> !tenantOf(h).equals(tenantOf(a))), a + " to " + b + ": " + r);
                    assertTrue(r.hosts().stream().allMatch(h -> tenantOf(h).equals(tenantOf(a))),
                            a + " to " + b + " leaked to another tenant: " + r);
                }
            }
        }
        return got;
    }

    /** What the config says: every server reaches exactly the servers of its own network. */
    static List<String> expected() {
        List<String> want = new ArrayList<>();
        for (String a : HOSTS) {
            for (String b : HOSTS) {
                if (!a.equals(b) && tenantOf(a).equals(tenantOf(b))) {
                    want.add(a + ">" + b);
                }
            }
        }
        return want;
    }

    @Test
    void theReachabilityMatrixIsTheConfigsOnEveryMixOfTargets() {
        for (Target t : Target.values()) {
            FabricModel m = LeafSpine.site(t, t, t, t).build(LeafSpine.CONFIG);
            assertEquals(expected(), matrix(m), "all leaves " + t);
        }
        FabricModel mixed = LeafSpine.site().build(LeafSpine.CONFIG);
        assertEquals(expected(), matrix(mixed), "leaf3 OpenFlow 1.0, leaf4 one table");
    }

    /** Every leaf of one target (each of the three), and the mixed site: the same specs on each. */
    static Map<String, FabricModel> everyTarget() {
        Map<String, FabricModel> sites = new java.util.LinkedHashMap<>();
        for (Target t : Target.values()) {
            sites.put("all leaves " + t, LeafSpine.site(t, t, t, t).build(LeafSpine.CONFIG));
        }
        sites.put("leaf3 OpenFlow 1.0, leaf4 one table", LeafSpine.site().build(LeafSpine.CONFIG));
        return sites;
    }

    @Test
    void broadcastReachesEachOtherMemberOnceAndNobodyElse() {
        everyTarget().forEach((site, m) -> broadcast(site, m));
    }

    private static void broadcast(String site, FabricModel m) {
        for (String a : HOSTS) {
            LogicalPort p = m.port(a);
            Reach r = m.send(a, Frames.from(p.mac(), p.ips().get(0)).arpRequest(IPv4Address.of("10.0.1.99")));
            String[] others = HOSTS.stream().filter(h -> !h.equals(a) && tenantOf(h).equals(tenantOf(a)))
                    .toArray(String[]::new);
            assertTrue(r.reachedOnly(others), site + ": " + a + " broadcast: " + r);
            for (String o : others) {
                assertEquals(-1, vlanOf(r.only(o).frame()), "frames leave edge ports untagged");
            }
        }
    }

    @Test
    void spoofingOnAnEdgePortReachesNobody() {
        everyTarget().forEach((site, m) -> spoofing(site, m));
    }

    private static void spoofing(String site, FabricModel m) {
        for (String a : HOSTS) {
            LogicalPort me = m.port(a);
            for (String b : HOSTS) {
                if (a.equals(b)) {
                    continue;
                }
                LogicalPort victim = m.port(b);
                LogicalPort peer = m.port(HOSTS.stream().filter(h -> !h.equals(a) && !h.equals(b)
                        && tenantOf(h).equals(tenantOf(a))).findFirst().orElse(b));
                // Another's MAC, another's IP (the twins in the other tenant have the same ones: not spoofing).
                if (!victim.mac().equals(me.mac())) {
                    assertTrue(m.send(a, Frames.from(victim.mac(), me.ips().get(0)).to(peer.mac(), peer.ips().get(0))
                            .echoRequest(1, 1)).reachedNobody(), site + ": " + a + " as MAC of " + b);
                }
                if (!victim.ips().get(0).equals(me.ips().get(0))) {
                    assertTrue(m.send(a, Frames.from(me.mac(), victim.ips().get(0)).to(peer.mac(), peer.ips().get(0))
                            .echoRequest(1, 1)).reachedNobody(), site + ": " + a + " as IP of " + b);
                    assertTrue(m.send(a, Frames.from(me.mac(), victim.ips().get(0)).arpRequest(peer.ips().get(0)))
                            .reachedNobody(), site + ": " + a + " ARP as IP of " + b);
                }
            }
            for (int vid : new int[] {1, 2, 3, 4094}) {
                assertTrue(m.send(a, Frames.from(me.mac(), me.ips().get(0)).vlan(vid).to(MacAddress.BROADCAST)
                        .arpRequest(IPv4Address.of("10.0.1.12"))).reachedNobody(), site + ": " + a + " tagged " + vid);
            }
        }
        m.plug("stranger", "leaf1", 9);
        LogicalPort a2 = m.port("a2");
        assertTrue(m.send("stranger", Frames.from(MacAddress.of("02:00:00:00:00:99"), IPv4Address.of("10.0.1.99"))
                .arpRequest(a2.ips().get(0))).reachedNobody());
    }

    @Test
    void aFailedSpineLinkReroutesEverySegment() {
        FabricModel m = LeafSpine.site().build(LeafSpine.CONFIG);
        for (String cut : List.of("spine1", "spine2")) {
            for (int leaf = 1; leaf <= 4; leaf++) {
                FabricModel after = m.without("leaf" + leaf, cut.equals("spine1") ? 1 : 2);
                assertEquals(expected(), matrix(after), "after cutting leaf" + leaf + "-" + cut);
            }
        }
        // Both spine links of leaf1 gone: its servers are cut off, the others still reach each other.
        FabricModel isolated = m.without("leaf1", 1).without("leaf1", 2);
        List<String> want = new ArrayList<>(expected());
        want.removeIf(s -> s.contains("a1") || s.contains("g1"));
        assertEquals(want, matrix(isolated));
    }

    /** The VLAN id of a frame, or -1 when untagged. */
    static int vlanOf(byte[] frame) {
        int type = (frame[12] & 0xff) << 8 | frame[13] & 0xff;
        return type == 0x8100 ? ((frame[14] & 0x0f) << 8 | frame[15] & 0xff) : -1;
    }
}
