package dev.weft.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.channel.ConnectionConfig;
import dev.weft.sim.testctl.TestController;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadActionCode;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/** Switches over real loopback TCP against a tiny test controller. */
class TcpNetworkTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final ConnectionConfig FAST = new ConnectionConfig(Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(5));

    private static SimNetworkBuilder net(TestController ctl, String topo) {
        return SimNetwork.builder().controller("127.0.0.1", ctl.port()).topology(Topology.parse(topo)).connection(FAST);
    }

    @Test
    void handshakeReadsEveryPortDescPartAndPingWorksThroughAHubController() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_10, OFVersion.OF_13);
             SimNetwork n = net(ctl, "linear,3").datapathConfig(c -> c.withPortDescPartSize(1)).build()) {
            n.awaitReady(T);
            ctl.awaitHandshakes(3, T);
            TestController.Conn s2 = ctl.conn(DatapathId.of(2));
            assertEquals(OFVersion.OF_13, s2.version);
            assertEquals(3, s2.portDescParts, "s2 has 3 ports, one per part");
            assertEquals(List.of(OFPort.of(1), OFPort.of(2), OFPort.of(3)), s2.ports);
            assertEquals(OFVersion.OF_13, n.switchNamed("s2").negotiatedVersion());

            PingResult r = n.ping("h1", "h3");
            assertTrue(r.success(), r.toString());
            assertTrue(r.packetIns() > 0);
            PingAllResult all = n.pingAll();
            assertEquals(0, all.droppedPercent(), all.summary());
            assertTrue(all.summary().endsWith("*** Results: 0% dropped (6/6 received)"), all.summary());
        }
    }

    @Test
    void of10SwitchUsesBufferedTableMissPacketIns() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_10, OFVersion.OF_13);
             SimNetwork n = net(ctl, "single,3").versions(OFVersion.OF_10).build()) {
            n.awaitReady(T);
            assertEquals(OFVersion.OF_10, ctl.conn(DatapathId.of(1)).version);
            assertEquals(3, ctl.conn(DatapathId.of(1)).ports.size(), "1.0 ports come in FEATURES_REPLY");
            PingResult r = n.ping("h1", "h2");
            assertTrue(r.success(), r.toString());
            Delivery bcast = n.gratuitousArp("h3");
            assertTrue(bcast.reachedExactly("h1", "h2"), bcast.toString());
            assertEquals(1, bcast.packetIns());
        }
    }

    @Test
    void errorsEchoAndBarrierOrderOverTcp() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13);
             SimNetwork n = net(ctl, "single,2").build()) {
            n.awaitReady(T);
            ctl.awaitHandshakes(1, T);
            TestController.Conn c = ctl.conn(DatapathId.of(1));
            OFFactory f = c.factory();
            c.received.clear();
            c.send(f.buildFlowAdd().setXid(100).setTableId(TableId.of(0)).setPriority(1).setMatch(f.buildMatch().build())
                    .setInstructions(List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(42), 0)))))
                    .build());
            c.send(f.buildEchoRequest().setXid(101).setData(new byte[] {1, 2}).build());
            c.send(f.buildBarrierRequest().setXid(102).build());
            TestController.await(() -> c.received(OFBarrierReply.class).stream().anyMatch(b -> b.getXid() == 102), T,
                    "barrier reply");
            List<OFMessage> got = List.copyOf(c.received);
            assertEquals(3, got.size(), got.toString());
            OFErrorMsg e = (OFErrorMsg) got.get(0);
            assertEquals(100, e.getXid());
            assertEquals(OFBadActionCode.BAD_OUT_PORT, ((OFBadActionErrorMsg) e).getCode());
            assertEquals(101, ((OFEchoReply) got.get(1)).getXid());
            assertEquals(102, got.get(2).getXid());
            assertEquals(1, n.flowModCount("s1") - 1, "the bad flow-mod was counted too");
        }
    }

    @Test
    void malformedMessageGetsAnErrorAndTheConnectionSurvives() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13);
             SimNetwork n = net(ctl, "single,1").build()) {
            n.awaitReady(T);
            ctl.awaitHandshakes(1, T);
            TestController.Conn c = ctl.conn(DatapathId.of(1));
            c.received.clear();
            // a FLOW_MOD header claiming 8 bytes: far too short for a flow-mod
            c.sendRaw(new byte[] {4, 14, 0, 8, 0, 0, 0, 55});
            c.send(c.factory().buildEchoRequest().setXid(56).setData(new byte[0]).build());
            TestController.await(() -> c.received.size() >= 2, T, "error and echo reply");
            OFErrorMsg e = (OFErrorMsg) c.received.get(0);
            assertEquals(OFErrorType.BAD_REQUEST, e.getErrType());
            assertEquals(OFBadRequestCode.BAD_LEN, ((OFBadRequestErrorMsg) e).getCode());
            assertEquals(55, e.getXid());
            assertTrue(c.received.get(1) instanceof OFEchoReply);
            assertTrue(n.switchNamed("s1").isConnected());
        }
    }

    @Test
    void versionNegotiation() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_10, OFVersion.OF_13);
             SimNetwork n = net(ctl, "single,1").versions(OFVersion.OF_14).build()) {
            TestController.await(() -> ctl.allReceived().stream().anyMatch(m -> m instanceof OFErrorMsg), T,
                    "HELLO_FAILED");
            OFErrorMsg e = (OFErrorMsg) ctl.allReceived().stream().filter(m -> m instanceof OFErrorMsg).findFirst().get();
            assertEquals(OFErrorType.HELLO_FAILED, e.getErrType());
            assertFalse(n.switchNamed("s1").isConnected());
        }
        try (TestController ctl = TestController.start(OFVersion.OF_13, OFVersion.OF_14);
             SimNetwork n = net(ctl, "single,2").versions(OFVersion.OF_14).build()) {
            n.awaitReady(T);
            assertEquals(OFVersion.OF_14, ctl.conn(DatapathId.of(1)).version);
            assertEquals(2, ctl.conn(DatapathId.of(1)).ports.size());
        }
        try (TestController ctl = TestController.start(OFVersion.OF_10);
             SimNetwork n = net(ctl, "single,1").versions(OFVersion.OF_10, OFVersion.OF_13).build()) {
            n.awaitReady(T);
            assertEquals(OFVersion.OF_10, n.switchNamed("s1").negotiatedVersion(), "controller only speaks 1.0");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Test
    void switchesReconnectWithBackoffWhenTheControllerComesAndGoes() throws Exception {
        int port = freePort();
        try (SimNetwork n = SimNetwork.builder().controller("127.0.0.1", port).topology(Topology.parse("linear,2"))
                .connection(FAST).build()) {
            assertThrows(TimeoutException.class, () -> n.awaitConnected(Duration.ofMillis(200)));
            try (TestController first = TestController.startOn(port, OFVersion.OF_13)) {
                n.awaitReady(T);
                assertEquals(1, n.flowModCount("s1"), "the first controller installed its table-miss entry");
            }
            TestController.await(() -> !n.switchNamed("s1").isConnected(), T, "disconnect noticed");
            try (TestController second = TestController.startOn(port, OFVersion.OF_13)) {
                n.awaitReady(T);
                second.awaitHandshakes(2, T);
                assertTrue(n.ping("h1", "h2").success());
                n.disconnect("s2");
                TestController.await(() -> !n.switchNamed("s2").isConnected(), T, "s2 disconnected");
                assertTrue(n.flows("s2").size() >= 1, "flows survive a disconnect (fail-secure)");
                n.reconnect("s2");
                n.awaitReady(T);
                assertEquals(2, second.connections().stream().filter(c -> DatapathId.of(2).equals(c.dpid)).count());
            }
        }
    }

    private static <T extends Throwable> void assertThrows(Class<T> type, org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(type, e);
    }

    static Set<String> names(SimNetwork n) {
        return Set.copyOf(n.switches().stream().map(SimSwitch::name).toList());
    }
}
