package dev.weft.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Mininet-compatible names, numbering and dpids; the file format and its error messages. */
class TopologyTest {
    @Test
    void linearNumbersPortsLikeMininet() {
        Topology t = Topology.parse("linear,3");
        assertEquals(List.of("s1", "s2", "s3"), List.copyOf(t.switches().keySet()));
        assertEquals(DatapathId.of("00:00:00:00:00:00:00:02"), t.switches().get("s2").dpid());
        Topology.HostSpec h2 = t.hosts().get("h2");
        assertEquals(OFPort.of(1), h2.port());
        assertEquals("s2-eth1", h2.iface());
        assertEquals(MacAddress.of("00:00:00:00:00:02"), h2.mac());
        assertEquals(IPv4Address.of("10.0.0.2"), h2.ip());
        assertEquals(new Topology.LinkSpec("s2", OFPort.of(2), "s1", OFPort.of(2)), t.links().get(0));
        assertEquals(new Topology.LinkSpec("s3", OFPort.of(2), "s2", OFPort.of(3)), t.links().get(1));
        assertEquals(List.of("h1s1", "h2s1", "h1s2", "h2s2"), List.copyOf(Topology.parse("linear,2,2").hosts().keySet()));
    }

    @Test
    void treePutsChildrenOnPorts1ToFanoutAndTheUplinkAfter() {
        Topology t = Topology.parse("tree,2,3");
        assertEquals(4, t.switches().size());
        assertEquals(9, t.hosts().size());
        assertEquals("s2", t.hosts().get("h1").switchName());
        assertEquals("s4", t.hosts().get("h9").switchName());
        // s1's children s2, s3, s4 on ports 1..3; each child's uplink is its port 4
        assertTrue(t.links().contains(new Topology.LinkSpec("s1", OFPort.of(1), "s2", OFPort.of(4))));
        assertTrue(t.links().contains(new Topology.LinkSpec("s1", OFPort.of(3), "s4", OFPort.of(4))));
    }

    @Test
    void torusAndRing() {
        Topology t = Topology.parse("torus,3,4");
        assertEquals(12, t.switches().size());
        assertEquals(24, t.links().size());
        assertEquals(DatapathId.of(2 * 256 + 3), t.switches().get("s2x3").dpid());
        assertEquals("s2x3", t.hosts().get("h2x3").switchName());
        Topology r = Topology.parse("ring,4");
        assertEquals(4, r.links().size());
        assertEquals(new Topology.LinkSpec("s4", OFPort.of(3), "s1", OFPort.of(3)), r.links().get(3));
        assertEquals(100, Topology.parse("torus,10,10").switches().size());
    }

    @Test
    void badSpecsNameTheProblem() {
        assertTrue(assertThrows(TopologyException.class, () -> Topology.parse("lineer,3")).getMessage().contains("lineer"));
        assertTrue(assertThrows(TopologyException.class, () -> Topology.parse("linear,x")).getMessage().contains("'x'"));
        assertTrue(assertThrows(TopologyException.class, () -> Topology.parse("torus,2,3")).getMessage().contains(">= 3"));
        assertTrue(assertThrows(TopologyException.class, () -> Topology.parse("single,0")).getMessage().contains("positive"));
        assertTrue(assertThrows(TopologyException.class, () -> Topology.parse("tree,2,2,2")).getMessage().contains("at most"));
    }

    @Test
    void fileFormatDescribesSwitchesHostsLinksAndHypervisors() {
        Topology t = TopologyFile.parse(List.of(
                "switch s1 dpid=00:00:00:00:00:00:00:0a of=1.0 ports=4  # four ports up front",
                "switch s2",
                "hypervisor hv1 tep=192.168.0.1 dpid=100",
                "hypervisor hv2 tep=192.168.0.2 dpid=101 of=1.0,1.3",
                "host h1 s1:3 mac=00:00:00:00:00:aa ip=10.9.0.1",
                "host vm1 hv1 iface=tap-vm1",
                "link s1:4 s2",
                "tunnel hv1 hv2"), "x.topo");
        assertEquals(DatapathId.of(10), t.switches().get("s1").dpid());
        assertEquals(Set.of(OFVersion.OF_10), t.switches().get("s1").versions());
        assertEquals(Set.of(OFVersion.OF_10, OFVersion.OF_13), t.switches().get("hv2").versions());
        assertEquals(OFPort.of(3), t.hosts().get("h1").port());
        assertEquals("tap-vm1", t.hosts().get("vm1").iface());
        assertEquals(IPv4Address.of("10.0.0.2"), t.hosts().get("vm1").ip(), "second host gets the second default IP");
        assertEquals(new Topology.LinkSpec("s1", OFPort.of(4), "s2", OFPort.of(1)), t.links().get(0));
        assertEquals(1, t.tunnels().size());
    }

    @Test
    void fileErrorsNameFileAndLine() {
        String e1 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1", "swich s2"), "a.topo"))
                .getMessage();
        assertTrue(e1.startsWith("a.topo:2: unknown statement 'swich'"), e1);
        String e2 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1", "host h1 s9"),
                "b.topo")).getMessage();
        assertTrue(e2.contains("b.topo:2") && e2.contains("unknown switch s9"), e2);
        String e3 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1", "host h1 s1:1",
                "host h2 s1:1"), "c.topo")).getMessage();
        assertTrue(e3.contains("c.topo:3") && e3.contains("already in use"), e3);
        String e4 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1", "tunnel s1 s1"),
                "d.topo")).getMessage();
        assertTrue(e4.contains("not a hypervisor"), e4);
        String e5 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1 of=2.0"),
                "e.topo")).getMessage();
        assertTrue(e5.contains("'2.0'"), e5);
        String e6 = assertThrows(TopologyException.class, () -> TopologyFile.parse(List.of("switch s1", "switch s1"),
                "f.topo")).getMessage();
        assertTrue(e6.contains("used twice"), e6);
    }
}
