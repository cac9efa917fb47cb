package dev.weft.sim.net;

import static dev.weft.sim.net.Flows.F;
import static dev.weft.sim.net.Flows.add;
import static dev.weft.sim.net.Flows.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/** Hypervisors joined by VXLAN-like tunnels that carry tunnel_id, as with OVS key=flow. */
class TunnelTest {
    private static final List<String> FILE = List.of(
            "# two hypervisors, one VM each",
            "hypervisor hv1 dpid=1 tep=192.168.100.1",
            "hypervisor hv2 dpid=2 tep=192.168.100.2",
            "hypervisor hv3 dpid=3 tep=192.168.100.3",
            "host vm1 hv1 mac=00:00:00:00:01:01 ip=10.1.0.1 iface=tap-vm1",
            "host vm2 hv2 mac=00:00:00:00:01:02 ip=10.1.0.2 iface=tap-vm2",
            "host vm3 hv3 mac=00:00:00:00:01:03 ip=10.1.0.3 iface=tap-vm3",
            "tunnels full-mesh",
            "flow-tunnel hv1 name=vxlan",
            "flow-tunnel hv3 name=vxlan");

    private final RecordingController ctl = new RecordingController();
    private SimNetwork net;

    @AfterEach
    void close() {
        net.close();
    }

    private SimNetwork start() {
        net = SimNetwork.builder().directController(ctl).topology(TopologyFile.parse(FILE, "test.topo")).build();
        ctl.net = net;
        return net;
    }

    private static org.projectfloodlight.openflow.protocol.match.Match inPortTun(int port, long tun) {
        return F.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(port)).setExact(MatchField.TUNNEL_ID, U64.of(tun)).build();
    }

    @Test
    void tunnelPortsAreNamedAfterTheRemoteHypervisor() {
        start();
        assertEquals("tap-vm1", net.ports("hv1").get(OFPort.of(1)));
        assertEquals("vx-hv2", net.ports("hv1").get(OFPort.of(2)));
        assertEquals("vx-hv3", net.ports("hv1").get(OFPort.of(3)));
        assertEquals("vxlan", net.ports("hv1").get(OFPort.of(4)));
        assertEquals("vx-hv1", net.ports("hv2").get(OFPort.of(2)));
    }

    @Test
    void tunnelIdTravelsWithTheFrameAndSelectsTheNetworkAtTheOtherEnd() {
        start();
        // hv1: vm1 -> tunnel to hv2 with VNI 5001; hv2: from hv1 with VNI 5001 -> vm2; and back
        net.sendFromController("hv1", add(10, Flows.inPort(1), F.actions().setField(F.oxms().tunnelId(U64.of(5001))), out(2)));
        net.sendFromController("hv1", add(10, inPortTun(2, 5001), out(1)));
        net.sendFromController("hv2", add(10, inPortTun(2, 5001), out(1)));
        net.sendFromController("hv2", add(10, Flows.inPort(1), F.actions().setField(F.oxms().tunnelId(U64.of(5001))), out(2)));
        net.sync();
        PingResult r = net.ping("vm1", "vm2");
        assertTrue(r.success(), r.toString());

        // the other end only accepts VNI 5001: a frame tagged 5002 is dropped there
        net.sendFromController("hv1", add(20, Flows.inPort(1), F.actions().setField(F.oxms().tunnelId(U64.of(5002))), out(2)));
        net.sync();
        assertFalse(net.ping("vm1", "vm2", java.time.Duration.ofMillis(300)).success());
    }

    @Test
    void tunnelIdIsMatchableAndReportedInPacketIn() {
        start();
        net.sendFromController("hv1", add(10, Flows.inPort(1), F.actions().setField(F.oxms().tunnelId(U64.of(77))), out(3)));
        net.sendFromController("hv3", add(0, Flows.any(), F.actions().output(OFPort.CONTROLLER, 0xffff)));
        net.sync();
        net.trace("vm1", dev.weft.sim.packet.Frames.from(net.host("vm1").mac(), net.host("vm1").ip()).gratuitousArp());
        OFPacketIn pi = ctl.from("hv3", OFPacketIn.class).get(0);
        assertEquals(OFPort.of(2), pi.getMatch().get(MatchField.IN_PORT), "arrives on hv3's vx-hv1");
        assertEquals(U64.of(77), pi.getMatch().get(MatchField.TUNNEL_ID));
    }

    @Test
    void flowBasedTunnelPortPicksTheRemoteByTunnelDestination() {
        start();
        net.sendFromController("hv1", add(10, Flows.inPort(1), F.actions().setField(F.oxms().tunnelId(U64.of(9))),
                F.actions().setField(F.oxms().tunnelIpv4Dst(IPv4Address.of("192.168.100.3"))), out(4)));
        net.sendFromController("hv3", add(10, inPortTun(2, 9), out(1)));
        net.sync();
        Delivery d = net.trace("vm1", dev.weft.sim.packet.Frames.from(net.host("vm1").mac(), net.host("vm1").ip())
                .gratuitousArp());
        assertTrue(d.reachedExactly("vm3"), d.toString());
    }
}
