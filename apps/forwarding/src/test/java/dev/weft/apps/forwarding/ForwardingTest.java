package dev.weft.apps.forwarding;

import dev.weft.core.topology.TopologySnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.event.FlowRemoved;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.host.Host;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.api.topology.TopologyService;
import dev.weft.testing.AppHarness;
import dev.weft.fakes.FakeHostService;
import dev.weft.fakes.FakeSwitch;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The forwarding app against fake switches on a ring of four (as ring,4 in the simulator: host on
 * port 1, port 2 to the previous switch, port 3 to the next), with a topology snapshot and hosts
 * set by the test.
 */
class ForwardingTest {
    private static final MacAddress H1 = MacAddress.of("00:00:00:00:00:01");
    private static final MacAddress H3 = MacAddress.of("00:00:00:00:00:03");
    private static final IPv4Address IP1 = IPv4Address.of("10.0.0.1");
    private static final IPv4Address IP3 = IPv4Address.of("10.0.0.3");

    private final AtomicReference<Topology> topo = new AtomicReference<>(ring(4, null));
    private final FakeHostService hosts = new FakeHostService();
    private final AppHarness h = new AppHarness().service(TopologyService.class, topo::get)
            .service(dev.weft.api.host.HostService.class, hosts);
    private final FakeSwitch[] s = new FakeSwitch[5];
    private Forwarding app;
    private U64 cookie;

    /** ring,n; {@code without}: a cable left out. */
    static Topology ring(int n, Integer without) {
        TopologySnapshot.Builder b = TopologySnapshot.builder();
        for (int i = 1; i <= n; i++) {
            b.addPort(i, 1);
            if (without == null || without != i) {
                b.addCable(i, 3, i % n + 1, 2);
            }
        }
        return b.build();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @BeforeEach
    void start() throws Exception {
        app = h.start(new Forwarding());
        for (int i = 1; i <= 4; i++) {
            s[i] = h.connect(FakeSwitch.withPorts(i, OFVersion.OF_13, 3));
        }
        cookie = h.cookie(Forwarding.NAME).toU64();
    }

    private static Set<Integer> outputs(List<OFAction> actions) {
        return actions.stream().map(a -> ((OFActionOutput) a).getPort().getPortNumber()).collect(Collectors.toSet());
    }

    private static int out(OFFlowAdd f) {
        return ((OFActionOutput) f.getActions().get(0)).getPort().getPortNumber();
    }

    @Test
    void broadcastFromAHostFollowsTheTree() {
        // ring,4 tree from s1 (BFS, neighbours by dpid): s1-s2, s1-s4, s2-s3.
        Topology t = topo.get();
        assertEquals(Set.of(OFPort.of(2), OFPort.of(3)), t.treePorts(s[1].id()));
        assertEquals(Disposition.STOP, h.packetIn(s[1], 1, Frames.from(H1, IP1).arpRequest(IP3)));
        OFPacketOut po = s[1].sent(OFPacketOut.class).get(0);
        assertEquals(Set.of(2, 3), outputs(po.getActions()), "both tree ports, not back to the host");
        // The copy arriving at s2 from s1 (tree port 2) goes on to s3 and s2's host.
        h.packetIn(s[2], 2, Frames.from(H1, IP1).arpRequest(IP3));
        assertEquals(Set.of(1, 3), outputs(s[2].sent(OFPacketOut.class).get(0).getActions()));
        // s3's port 3 (to s4) is not on the tree: a copy arriving there is dropped, not flooded.
        assertEquals(Set.of(OFPort.of(2)), t.treePorts(s[3].id()));
        h.packetIn(s[3], 3, Frames.from(H1, IP1).arpRequest(IP3));
        assertTrue(s[3].sent(OFPacketOut.class).isEmpty());
        assertTrue(s[1].sent(OFFlowAdd.class).isEmpty(), "nothing installed for floods");
        assertEquals(2, app.floods());
    }

    /**
     * A frame from ff:ff:ff:ff:ff:ff (Loxi's isMulticast() is false for broadcast) made the host
     * tracker place "host" ff:ff:ff:ff:ff:ff behind its port, and every broadcast then went there
     * alone (found on real Open vSwitch: OddFramesOnMininetTest).
     */
    @Test
    void aBroadcastSourceIsDroppedAndBroadcastsStillFollowTheTree() {
        assertEquals(Disposition.STOP, h.packetIn(s[1], 1, Frames.from(MacAddress.BROADCAST, IP1).to(H3, IP3)
                .echoRequest(1, 1)));
        assertTrue(s[1].sent().isEmpty(), s[1].sent().toString());
        h.packetIn(s[1], 1, Frames.from(H1, IP1).arpRequest(IP3));
        assertEquals(Set.of(2, 3), outputs(s[1].sent(OFPacketOut.class).get(0).getActions()),
                "flooded on the tree, not sent to where ff:ff:ff:ff:ff:ff came from");
        assertTrue(s[1].sent(OFFlowAdd.class).isEmpty());
    }

    @Test
    void pendingPortsAreNeitherFloodedNorFloodedFrom() {
        topo.set(TopologySnapshot.builder().addPort(SwitchPort.of(1, 1), true).addPort(SwitchPort.of(1, 2), false)
                .addPort(SwitchPort.of(1, 3), true).build());
        h.packetIn(s[1], 1, Frames.from(H1, IP1).arpRequest(IP3));
        assertEquals(Set.of(3), outputs(s[1].sent(OFPacketOut.class).get(0).getActions()));
        s[1].clearSent();
        h.packetIn(s[1], 2, Frames.from(H3, IP3).arpRequest(IP1));
        assertTrue(s[1].sent().isEmpty());
    }

    @Test
    void knownHostGetsAShortestPathInstalledDestinationFirst() {
        hosts.put(H3, SwitchPort.of(3, 1));
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        // ring,4: s1 -> s2 -> s3 (both ways are two hops; BFS from s3 prefers the lower dpid).
        OFFlowAdd at1 = s[1].sent(OFFlowAdd.class).get(0);
        OFFlowAdd at2 = s[2].sent(OFFlowAdd.class).get(0);
        OFFlowAdd at3 = s[3].sent(OFFlowAdd.class).get(0);
        assertTrue(s[4].sent().isEmpty());
        assertEquals(OFPort.of(1), at1.getMatch().get(MatchField.IN_PORT));
        assertEquals(3, out(at1));
        assertEquals(OFPort.of(2), at2.getMatch().get(MatchField.IN_PORT));
        assertEquals(3, out(at2));
        assertEquals(OFPort.of(2), at3.getMatch().get(MatchField.IN_PORT));
        assertEquals(1, out(at3));
        for (OFFlowAdd f : List.of(at1, at2, at3)) {
            assertEquals(H1, f.getMatch().get(MatchField.ETH_SRC));
            assertEquals(H3, f.getMatch().get(MatchField.ETH_DST));
            assertEquals(cookie, f.getCookie());
        }
        assertEquals(Set.of(OFFlowModFlags.SEND_FLOW_REM), at1.getFlags());
        List<OFMessage> first = s[1].sent();
        assertTrue(first.get(first.size() - 1) instanceof OFPacketOut po && outputs(po.getActions()).equals(Set.of(3)),
                "the packet continues along the path");
        assertEquals(1, app.routeCount());
    }

    @Test
    void sameSwitchAndHairpin() {
        hosts.put(H3, SwitchPort.of(1, 1));
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        assertTrue(s[1].sent().isEmpty(), "destination behind the in-port: dropped");
        h.packetIn(s[1], 3, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        assertEquals(1, out(s[1].sent(OFFlowAdd.class).get(0)));
    }

    @Test
    void linkDownReroutesProactively() {
        hosts.put(H3, SwitchPort.of(3, 1));
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        for (int i = 1; i <= 4; i++) {
            s[i].clearSent();
        }
        topo.set(ring(4, 2)); // the s2-s3 cable is gone
        h.deliver(new LinkRemoved(Link.of(2, 3, 3, 2), LinkRemoved.Reason.PORT_DOWN));
        // The entries sending into the dead link go, at once.
        OFFlowDelete del = s[2].sent(OFFlowDelete.class).get(0);
        assertEquals(OFPort.of(3), del.getOutPort());
        assertEquals(AppCookie.APP_MASK, del.getCookieMask());
        // The new path s1 -> s4 -> s3 is installed.
        assertEquals(2, out(s[1].sent(OFFlowAdd.class).get(0)));
        OFFlowAdd at4 = s[4].sent(OFFlowAdd.class).get(0);
        assertEquals(OFPort.of(3), at4.getMatch().get(MatchField.IN_PORT));
        assertEquals(2, out(at4));
        OFFlowAdd at3 = s[3].sent(OFFlowAdd.class).get(0);
        assertEquals(OFPort.of(3), at3.getMatch().get(MatchField.IN_PORT));
        assertEquals(1, out(at3));
        // The old hops that are not reused are deleted exactly.
        OFFlowDeleteStrict old2 = s[2].sent(OFFlowDeleteStrict.class).get(0);
        assertEquals(OFPort.of(2), old2.getMatch().get(MatchField.IN_PORT));
        OFFlowDeleteStrict old3 = s[3].sent(OFFlowDeleteStrict.class).get(0);
        assertEquals(OFPort.of(2), old3.getMatch().get(MatchField.IN_PORT));
        assertTrue(s[1].sent(OFFlowDeleteStrict.class).isEmpty(), "s1's entry was replaced, not deleted");
        assertEquals(1, app.reroutes());
        assertEquals(1, app.routeCount());
    }

    @Test
    void hostMovedDeletesEverythingToAndFromIt() {
        hosts.put(H3, SwitchPort.of(3, 1));
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        Host moved = hosts.put(H3, SwitchPort.of(4, 1));
        h.deliver(new HostMoved(moved, SwitchPort.of(3, 1)));
        for (int i = 1; i <= 4; i++) {
            Map<String, Long> fields = s[i].sent(OFFlowDelete.class).stream()
                    .map(d -> d.getMatch().get(MatchField.ETH_DST) != null ? "dst" : "src")
                    .collect(Collectors.groupingBy(x -> x, Collectors.counting()));
            assertEquals(Map.of("dst", 1L, "src", 1L), fields, "s" + i);
        }
        assertEquals(0, app.routeCount());
    }

    @Test
    void expiredIngressEntryForgetsTheRoute() {
        hosts.put(H3, SwitchPort.of(3, 1));
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        OFFlowAdd at1 = s[1].sent(OFFlowAdd.class).get(0);
        var f = s[1].factory();
        h.deliver(new FlowRemoved(s[1], f.buildFlowRemoved().setCookie(cookie).setMatch(at1.getMatch())
                .setReason(OFFlowRemovedReason.DELETE).build()));
        assertEquals(1, app.routeCount(), "our own deletes do not forget a route (it may be replaced already)");
        h.deliver(new FlowRemoved(s[1], f.buildFlowRemoved().setCookie(cookie).setMatch(at1.getMatch())
                .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).build()));
        assertEquals(0, app.routeCount());
    }

    @Test
    void unknownDestinationIsFlooded() {
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 1));
        assertEquals(Set.of(2, 3), outputs(s[1].sent(OFPacketOut.class).get(0).getActions()));
        // A host the service knows, but at a port that is no longer an edge port: flooded too.
        hosts.put(H3, SwitchPort.of(3, 3));
        s[1].clearSent();
        h.packetIn(s[1], 1, Frames.from(H1, IP1).to(H3, IP3).echoRequest(1, 2));
        assertTrue(s[1].sent(OFFlowAdd.class).isEmpty());
        assertEquals(1, s[1].sent(OFPacketOut.class).size());
    }

    @Test
    void refusesToStartWithoutHostTracking() {
        try (AppHarness bare = new AppHarness().config("topology:\n  hosts:\n    tracking: false\n")) {
            var e = assertThrows(RuntimeException.class, () -> bare.start(new Forwarding()));
            assertTrue(e.getMessage().startsWith("app 'forwarding' failed to start: ")
                    && e.getMessage().contains("host tracking"), e.getMessage());
        }
    }
}
