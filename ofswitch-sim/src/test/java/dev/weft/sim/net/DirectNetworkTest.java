package dev.weft.sim.net;

import static dev.weft.sim.net.Flows.F;
import static dev.weft.sim.net.Flows.add;
import static dev.weft.sim.net.Flows.any;
import static dev.weft.sim.net.Flows.inPort;
import static dev.weft.sim.net.Flows.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** Network behaviour with an in-process controller: links, hosts, ping, storms, moves, timeouts. */
class DirectNetworkTest {
    private final RecordingController ctl = new RecordingController();
    private SimNetwork net;

    private SimNetwork start(Topology t) {
        net = SimNetwork.builder().directController(ctl).topology(t).build();
        ctl.net = net;
        return net;
    }

    @AfterEach
    void close() {
        if (net != null) {
            net.close();
        }
    }

    private void floodEverywhere() {
        for (SimSwitch s : net.switches()) {
            net.sendFromController(s.name(), add(0, any(), out(OFPort.FLOOD)));
        }
        net.sync();
    }

    @Test
    void lldpPacketOutCrossesALinkAndArrivesAsPacketInOnTheNeighbour() {
        start(Topology.parse("linear,2"));
        net.sendFromController("s2", add(0, any(), F.actions().output(OFPort.CONTROLLER, 0xffff)));
        byte[] lldp = Frames.from(MacAddress.of("02:00:00:00:00:01")).to(MacAddress.of("01:80:c2:00:00:0e"))
                .ethernet(0x88cc, new byte[] {2, 7, 4, 0, 0, 0, 0, 0, 0, 1});
        // s1 port 2 is the link to s2 (port 1 is h1)
        net.sendFromController("s1", F.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setData(lldp).setActions(List.of(out(2))).build());
        net.sync();
        net.sync();
        List<OFPacketIn> pis = ctl.from("s2", OFPacketIn.class);
        assertEquals(1, pis.size());
        assertEquals(OFPort.of(2), pis.get(0).getMatch().get(MatchField.IN_PORT));
        assertEquals(OFPacketInReason.NO_MATCH, pis.get(0).getReason());
        assertTrue(java.util.Arrays.equals(lldp, pis.get(0).getData()));
    }

    @Test
    void pingWorksThroughFloodingSwitchesAndABroadcastReachesEveryOtherHostOnce() {
        start(Topology.parse("tree,2,2"));
        floodEverywhere();
        PingResult r = net.ping("h1", "h4");
        assertTrue(r.success(), r.toString());
        assertEquals(0, r.packetIns());
        assertEquals(MacAddress.of(1), net.arpEntry("h4", net.host("h1").ip()), "h4 learned h1 from its request");
        Delivery d = net.trace("h2", Frames.from(net.host("h2").mac(), net.host("h2").ip())
                .arpRequest(net.host("h3").ip()));
        assertTrue(d.reachedExactly("h1", "h3", "h4"), d.toString());
        assertTrue(d.settled());
        assertEquals(List.of("s2", "s1", "s3"), d.switchesVisited());
        assertEquals(1, d.receivedBy("h2", FrameOrigin.HOST_REPLY).size(), "h3's ARP reply came back to h2");
    }

    @Test
    void unicastReachesOnlyItsTargetWithSpecificFlows() {
        start(Topology.parse("single,3"));
        net.sendFromController("s1", add(10, F.buildMatch().setExact(MatchField.ETH_DST, MacAddress.of(3)).build(), out(3)));
        net.sync();
        Delivery d = net.trace("h1", Frames.from(MacAddress.of(1), net.host("h1").ip())
                .to(MacAddress.of(3), net.host("h3").ip()).udp(1, 2, new byte[8]));
        assertTrue(d.reachedExactly("h3"), d.toString());
        Delivery lost = net.trace("h1", Frames.from(MacAddress.of(1), net.host("h1").ip())
                .to(MacAddress.of(2), net.host("h2").ip()).udp(1, 2, new byte[8]));
        assertTrue(lost.copies().isEmpty(), "table miss in 1.3 drops");
    }

    @Test
    void reactiveControllerRoundTripsAreFollowedUntilQuiet() {
        start(Topology.parse("linear,3"));
        for (SimSwitch s : net.switches()) {
            net.sendFromController(s.name(), add(0, any(), F.actions().output(OFPort.CONTROLLER, 128)));
        }
        net.sync();
        ctl.flood = true;
        PingResult r = net.ping("h1", "h3");
        assertTrue(r.success(), r.toString());
        assertTrue(r.packetIns() >= 6, "every hop of request and reply went through the controller: " + r);
        Delivery d = net.trace("h3", Frames.from(net.host("h3").mac(), net.host("h3").ip()).gratuitousArp());
        assertTrue(d.reachedExactly("h1", "h2"), d.toString());
        assertEquals(3, d.packetIns());
    }

    @Test
    void aLoopWithFloodingIsVisibleAsAStorm() {
        start(Topology.parse("ring,3"));
        floodEverywhere();
        Delivery d = net.trace("h1", Frames.from(MacAddress.of(1), net.host("h1").ip())
                .arpRequest(net.host("h2").ip()));
        assertTrue(d.copiesAt("h2") > 1, "copies circle the ring: " + d);
        assertTrue(d.stormDetected() || net.hopLimitDrops() > 0);
    }

    @Test
    void anUntracedFloodInATorusIsCutOffInsteadOfRunningForever() {
        start(Topology.parse("torus,3,3"));
        floodEverywhere();
        byte[] bcast = Frames.from(MacAddress.of(0x77)).to(MacAddress.BROADCAST).ethernet(0x0801, new byte[10]);
        net.sendFromController("s1x1", F.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setData(bcast).setActions(List.of(out(OFPort.FLOOD))).build());
        // Each sync lets the frames queued so far take one more hop; wait for the storm to arrive twice.
        long received = 0;
        for (int i = 0; i < 1_000 && received <= 1; i++) {
            net.sync();
            received = net.received("h2x2").size();
        }
        net.sync();
        assertTrue(received > 1, "the storm reached hosts many times");
        assertTrue(net.received("h2x2").size() < 10_000, "and was cut off by the frame budget");
        assertEquals(1, net.flows("s1x1").size(), "the sim-loop still answers");
    }

    @Test
    void linkDownStopsTrafficAndReportsPortStatusOnBothEnds() {
        start(Topology.parse("linear,2"));
        floodEverywhere();
        assertTrue(net.ping("h1", "h2").success());
        ctl.clear();
        net.linkDown("s1", "s2");
        List<OFPortStatus> s1 = ctl.from("s1", OFPortStatus.class);
        List<OFPortStatus> s2 = ctl.from("s2", OFPortStatus.class);
        assertEquals(OFPortReason.MODIFY, s1.get(0).getReason());
        assertTrue(s1.get(0).getDesc().getState().contains(OFPortState.LINK_DOWN));
        assertEquals(OFPort.of(2), s2.get(0).getDesc().getPortNo());
        net.host("h1");
        assertFalse(net.ping("h2", "h1", Duration.ofMillis(500)).success());
        net.linkUp("s1", "s2");
        assertTrue(net.ping("h2", "h1").success());
    }

    @Test
    void movingAHostDeletesThePortOnTheOldSwitchAndAddsItOnTheNewKeepingItsName() {
        start(Topology.parse("linear,3"));
        floodEverywhere();
        ctl.clear();
        OFPort p = net.moveHost("h1", "s3", null);
        OFPortStatus del = ctl.from("s1", OFPortStatus.class).get(0);
        OFPortStatus addS = ctl.from("s3", OFPortStatus.class).get(0);
        assertEquals(OFPortReason.DELETE, del.getReason());
        assertEquals("s1-eth1", del.getDesc().getName());
        assertEquals(OFPortReason.ADD, addS.getReason());
        assertEquals("s1-eth1", addS.getDesc().getName(), "the interface name follows the host");
        assertEquals(OFPort.of(3), p);
        assertEquals(p, addS.getDesc().getPortNo());
        assertEquals("s3", net.host("h1").switchName());
        assertTrue(net.ping("h2", "h1").success());
        Delivery garp = net.gratuitousArp("h1");
        assertTrue(garp.reachedExactly("h2", "h3"));
        assertEquals("s3", garp.hops().get(0).switchName());
        Delivery rarp = net.rarp("h1");
        assertTrue(rarp.reachedExactly("h2", "h3"), rarp.toString());
    }

    @Test
    void flowTimeoutsUseTheInjectedTicker() {
        ManualTicker ticker = new ManualTicker();
        net = SimNetwork.builder().directController(ctl).topology(Topology.parse("single,2")).ticker(ticker)
                .expiryInterval(Duration.ofHours(1)).build();
        ctl.net = net;
        net.sendFromController("s1", F.buildFlowAdd().setPriority(5).setMatch(inPort(1)).setIdleTimeout(10)
                .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).setInstructions(List.of()).build());
        net.sync();
        ticker.advance(Duration.ofSeconds(9));
        net.expireFlowsNow();
        assertEquals(1, net.flows("s1").size());
        ticker.advance(Duration.ofSeconds(2));
        net.expireFlowsNow();
        assertTrue(net.flows("s1").isEmpty());
        OFFlowRemoved fr = ctl.from("s1", OFFlowRemoved.class).get(0);
        assertEquals(OFFlowRemovedReason.IDLE_TIMEOUT, fr.getReason());
    }

    @Test
    void countersAndInspection() {
        start(Topology.parse("single,2"));
        floodEverywhere();
        net.ping("h1", "h2");
        assertEquals(1, net.flowModCount("s1"));
        assertNotNull(net.portCounters("s1").get(OFPort.of(1)));
        assertTrue(net.portCounters("s1").get(OFPort.of(1)).rxPackets() >= 2);
        assertEquals("s1-eth2", net.ports("s1").get(OFPort.of(2)));
        assertFalse(net.received("h2").isEmpty());
    }
}
