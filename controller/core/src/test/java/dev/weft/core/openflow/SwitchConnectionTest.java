package dev.weft.core.openflow;

import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.SwitchDisconnectedException;
import dev.weft.api.SwitchErrorException;
import dev.weft.api.event.ErrorReceived;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.U64;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A live switch over loopback TCP: requests, multipart, errors, timeouts, takeover, backpressure. */
class SwitchConnectionTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RecordingBus rec;
    private SwitchManager manager;
    private InetSocketAddress addr;
    private Dispatcher dispatcher;

    private void start(Duration requestTimeout) {
        start(requestTimeout, dev.weft.core.dispatch.Transport.fromSystemProperty());
    }

    private void start(Duration requestTimeout, dev.weft.core.dispatch.Transport transport) {
        start(requestTimeout, transport, 2);
    }

    private void start(Duration requestTimeout, dev.weft.core.dispatch.Transport transport, int threads) {
        dispatcher = new Dispatcher(threads, "weft", transport);
        rec = new RecordingBus();
        manager = new SwitchManager(dispatcher, rec.bus, requestTimeout);
        OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(
                EnumSet.of(OFVersion.OF_10, OFVersion.OF_13), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(15), true), manager, dispatcher, Clock.systemUTC());
        addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
        toClose.add(dispatcher);
        toClose.add(server);
    }

    private ScriptedSwitch connect(long dpid, OFVersion v) throws Exception {
        ScriptedSwitch s = new ScriptedSwitch(dpid, v).connect(addr);
        toClose.add(0, s);
        return s;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void requestCompletesWithTheReplyMatchedByXid() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(1, OFVersion.OF_13);
        s.echoesByResponder().respond(m -> m instanceof OFEchoRequest r
                ? List.of(s.f.buildEchoReply().setXid(r.getXid()).setData(new byte[]{9}).build()) : List.of());
        Switch sw = rec.next(SwitchConnected.class).sw();
        OFEchoReply reply = sw.request(sw.factory().buildEchoRequest().setData(new byte[]{9}).build())
                .get(5, TimeUnit.SECONDS);
        assertEquals(1, reply.getData().length);
        OFBarrierReply b = sw.barrier().get(5, TimeUnit.SECONDS);
        assertEquals(OFVersion.OF_13, b.getVersion());
    }

    @Test
    void multipartRepliesAreAggregatedInOrder() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(2, OFVersion.OF_13);
        s.respond(m -> {
            if (!(m instanceof OFFlowStatsRequest r)) {
                return List.of();
            }
            var more = EnumSet.of(OFStatsReplyFlags.REPLY_MORE);
            return List.of(
                    s.f.buildFlowStatsReply().setXid(r.getXid()).setFlags(more).build(),
                    s.f.buildFlowStatsReply().setXid(r.getXid()).setFlags(more).build(),
                    s.f.buildFlowStatsReply().setXid(r.getXid()).build());
        });
        Switch sw = rec.next(SwitchConnected.class).sw();
        List<OFFlowStatsReply> parts = sw.requestStats(sw.factory().buildFlowStatsRequest().build()).get(5, TimeUnit.SECONDS);
        assertEquals(3, parts.size());
        assertFalse(parts.get(2).getFlags().contains(OFStatsReplyFlags.REPLY_MORE));
    }

    @Test
    void statsRequestsMustUseRequestStats() throws Exception {
        start(Duration.ofSeconds(5));
        connect(3, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        OFFlowStatsRequest req = sw.factory().buildFlowStatsRequest().build();
        assertThrows(IllegalArgumentException.class, () -> sw.request(req));
    }

    @Test
    void unansweredRequestTimesOut() throws Exception {
        start(Duration.ofMillis(200));
        connect(4, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        var f = sw.requestStats(sw.factory().buildFlowStatsRequest().build());
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(sw.id().toString()), e.getCause().getMessage());
    }

    @Test
    void errorFailsTheRequestAndIsDeliveredWithIt() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(5, OFVersion.OF_13);
        s.respond(m -> m instanceof OFFlowStatsRequest r ? List.of(s.f.errorMsgs().buildBadRequestErrorMsg()
                .setXid(r.getXid()).setCode(OFBadRequestCode.BAD_STAT)
                .setData(OFErrorCauseData.of(new byte[0], s.f.getVersion())).build()) : List.of());
        Switch sw = rec.next(SwitchConnected.class).sw();
        OFFlowStatsRequest req = sw.factory().buildFlowStatsRequest().build();
        var f = sw.requestStats(req);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        SwitchErrorException se = assertInstanceOf(SwitchErrorException.class, e.getCause());
        assertSame(req, se.request());
        assertTrue(se.getMessage().contains("BAD_REQUEST/BAD_STAT"), se.getMessage());
        ErrorReceived er = rec.next(ErrorReceived.class);
        assertSame(req, er.request().orElseThrow());
    }

    @Test
    void errorForAPlainSendNamesTheMessageThatCausedIt() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(6, OFVersion.OF_13);
        s.respond(m -> m instanceof OFFlowAdd fa && fa.getPriority() == 7 ? List.of(s.f.errorMsgs().buildFlowModFailedErrorMsg()
                .setXid(fa.getXid()).setCode(org.projectfloodlight.openflow.protocol.OFFlowModFailedCode.TABLE_FULL)
                .setData(OFErrorCauseData.of(new byte[0], s.f.getVersion())).build()) : List.of());
        Switch sw = rec.next(SwitchConnected.class).sw();
        OFFlowAdd fa = sw.factory().buildFlowAdd().setPriority(7).build();
        sw.send(fa);
        ErrorReceived er = rec.next(ErrorReceived.class);
        assertSame(fa, er.request().orElseThrow());
    }

    @Test
    void errorAboutAHandshakeMessageNamesIt() throws Exception {
        start(Duration.ofSeconds(5));
        // The switch rejects the table-miss entry the handshake installs.
        ScriptedSwitch s = new ScriptedSwitch(13, OFVersion.OF_13);
        s.respond(m -> m instanceof OFFlowAdd fa && fa.getPriority() == 0 ? List.of(s.f.errorMsgs()
                .buildFlowModFailedErrorMsg().setXid(fa.getXid())
                .setCode(org.projectfloodlight.openflow.protocol.OFFlowModFailedCode.EPERM)
                .setData(OFErrorCauseData.of(new byte[0], s.f.getVersion())).build()) : List.of());
        toClose.add(0, s.connect(addr));
        rec.next(SwitchConnected.class);
        ErrorReceived er = rec.next(ErrorReceived.class);
        OFFlowAdd rejected = assertInstanceOf(OFFlowAdd.class, er.request().orElseThrow());
        assertEquals(0, rejected.getPriority());
    }

    @Test
    void messagesWithXidZeroGetAFreshXid() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(7, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        sw.send(sw.factory().buildFlowAdd().setXid(0).setPriority(1).build());
        sw.send(sw.factory().buildFlowAdd().setXid(0).setPriority(2).build());
        long x1 = s.expect(OFFlowAdd.class).getXid();
        long x2 = s.expect(OFFlowAdd.class).getXid();
        assertTrue(x1 != 0 && x2 != 0 && x1 != x2, x1 + " " + x2);
    }

    @Test
    void refusesMessagesOfAnotherVersion() throws Exception {
        start(Duration.ofSeconds(5));
        connect(8, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        var of10 = org.projectfloodlight.openflow.protocol.OFFactories.getFactory(OFVersion.OF_10);
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        sw.execute(() -> {
            try {
                sw.send(of10.buildBarrierRequest().build());
            } catch (IllegalArgumentException e) {
                thrown[0] = e;
            }
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, thrown[0]);
    }

    @Test
    void disconnectFailsPendingRequestsAndIsAnnounced() throws Exception {
        start(Duration.ofSeconds(30));
        ScriptedSwitch s = connect(9, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        var f = sw.requestStats(sw.factory().buildFlowStatsRequest().build());
        s.expect(OFFlowStatsRequest.class);
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(SwitchDisconnectedException.class, e.getCause());
        SwitchDisconnected d = rec.next(SwitchDisconnected.class);
        assertSame(sw, d.sw());
        assertFalse(sw.isConnected());
        assertTrue(manager.get(sw.id()).isEmpty());
    }

    @Test
    void aNewcomerClaimingALiveSwitchsDatapathIdIsRefused() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch real = connect(10, OFVersion.OF_13);
        Switch a = rec.next(SwitchConnected.class).sw();
        ScriptedSwitch hijacker = connect(10, OFVersion.OF_13);
        assertTrue(hijacker.awaitClosed(5000), "the hijacker's connection is closed");
        // The real switch was probed with an echo, answered it, and keeps working.
        assertTrue(real.isOpen());
        assertSame(a, manager.get(a.id()).orElseThrow());
        assertTrue(a.isConnected());
        a.barrier().get(5, TimeUnit.SECONDS);
        assertEquals(0, real.expect(OFFlowAdd.class).getPriority()); // the handshake's table-miss entry
        a.send(a.factory().buildFlowAdd().setPriority(7).build());
        assertEquals(7, real.expect(OFFlowAdd.class).getPriority());
        assertTrue(rec.drain().stream().noneMatch(e -> e instanceof SwitchDisconnected || e instanceof SwitchConnected),
                "apps saw neither the hijacker nor a disconnect");
    }

    @Test
    void aNewcomerReplacesAConnectionThatNoLongerAnswers() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch first = connect(10, OFVersion.OF_13);
        Switch a = rec.next(SwitchConnected.class).sw();
        first.pauseReading(true); // half-open: the old peer no longer reads nor answers
        long t0 = System.nanoTime();
        ScriptedSwitch second = connect(10, OFVersion.OF_10);
        SwitchDisconnected gone = rec.next(SwitchDisconnected.class);
        assertSame(a, gone.sw());
        assertTrue(gone.reason().startsWith("replaced by a new connection"), gone.reason());
        Switch b = rec.next(SwitchConnected.class).sw();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[takeover] half-open connection replaced after %d ms (probe bound %d ms)%n", tookMs,
                SwitchManager.DEFAULT_TAKEOVER_PROBE.toMillis());
        assertEquals(OFVersion.OF_10, b.version());
        assertSame(b, manager.get(b.id()).orElseThrow());
        assertTrue(second.isOpen());
        b.barrier().get(5, TimeUnit.SECONDS);
        // The old connection's close must not unregister the new one: wait until the old lane has
        // handled the close (its inactive event was queued there before this task).
        assertFalse(a.isConnected());
        CompletableFuture<Void> oldLaneDone = new CompletableFuture<>();
        ((SwitchConnection) a).lane().execute(() -> oldLaneDone.complete(null));
        oldLaneDone.get(5, TimeUnit.SECONDS);
        assertSame(b, manager.get(b.id()).orElseThrow());
        assertTrue(rec.drain().isEmpty(), "no second disconnect event for the replaced connection");
        assertSame(b, manager.get(b.id()).orElseThrow(), "the old connection's close did not unregister the new one");
    }

    @Test
    void aNewcomerReplacesAClosedConnectionAtOnce() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch first = connect(11, OFVersion.OF_13);
        Switch a = rec.next(SwitchConnected.class).sw();
        first.close();
        assertSame(a, rec.next(SwitchDisconnected.class).sw());
        connect(11, OFVersion.OF_13);
        Switch b = rec.next(SwitchConnected.class).sw();
        assertSame(b, manager.get(b.id()).orElseThrow());
    }

    @Test
    void aSlowAppLosesNothingAndKeepsTheOrder() throws Exception {
        start(Duration.ofSeconds(5));
        // A slow app: the first packet-in takes 300 ms. Meanwhile the switch keeps sending; TCP
        // holds what the lane has not read yet.
        List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        int n = 5000;
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(n);
        rec.bus.subscribe(new AppHandle("slow", 1), PacketIn.class, e -> {
            if (seen.isEmpty()) {
                Thread.sleep(300); // the slow app itself, not a synchronisation
            }
            seen.add(e.frame().arp().orElseThrow().targetIp().getInt());
            all.countDown();
            return Disposition.CONTINUE;
        });
        ScriptedSwitch s = connect(11, OFVersion.OF_13);
        rec.next(SwitchConnected.class);
        for (int i = 0; i < n; i++) {
            byte[] frame = Frames.from(MacAddress.of(1), IPv4Address.of(1)).arpRequest(IPv4Address.of(i));
            s.send(s.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                    .setMatch(s.f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build());
        }
        all.await(10, TimeUnit.SECONDS);
        assertEquals(n, seen.size(), "every packet-in delivered");
        for (int i = 0; i < n; i++) {
            assertEquals(i, seen.get(i), "in order");
        }
    }

    @Test
    void aSwitchThatStopsReadingIsNotReadFromEither() throws Exception {
        start(Duration.ofSeconds(5));
        rec.bus.subscribe(new AppHandle("echo-out", 1), PacketIn.class, e -> {
            e.sw().send(e.packetOut(List.of(e.sw().factory().actions().output(OFPort.of(2), 0xffff))).orElseThrow());
            return Disposition.CONTINUE;
        });
        ScriptedSwitch s = connect(14, OFVersion.OF_13);
        SwitchConnection sw = (SwitchConnection) rec.next(SwitchConnected.class).sw();
        s.pauseReading(true);
        byte[] big = new byte[1400];
        big[12] = 0x08; // IPv4 EtherType, payload zeros
        int sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Keep sending packet-ins (each answered with a packet-out of the same size) until the
        // controller stops reading because its answers pile up unread.
        while (sw.channelAutoRead() && System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++) {
                s.send(s.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(big)
                        .setMatch(s.f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build());
            }
            sent += 200;
            Thread.sleep(2);
        }
        assertFalse(sw.channelAutoRead(), "the controller stopped reading after " + sent + " packet-ins");
        s.pauseReading(false);
        int got = 0;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got < sent && System.nanoTime() < deadline) {
            if (s.poll(100).filter(m -> m instanceof OFPacketOut).isPresent()) {
                got++;
            }
        }
        assertEquals(sent, got, "every answer arrives once the switch reads again");
        assertTrue(sw.channelAutoRead());
    }

    @Test
    void repliesSentWhileHandlingABatchLeaveInOrder() throws Exception {
        start(Duration.ofSeconds(5));
        rec.bus.subscribe(new AppHandle("echo-out", 1), PacketIn.class, e -> {
            e.sw().send(e.packetOut(List.of(e.sw().factory().actions().output(OFPort.of(2), 0xffff))).orElseThrow());
            return Disposition.CONTINUE;
        });
        ScriptedSwitch s = connect(12, OFVersion.OF_10);
        rec.next(SwitchConnected.class);
        OFMessage[] batch = new OFMessage[50];
        for (int i = 0; i < batch.length; i++) {
            byte[] frame = Frames.from(MacAddress.of(1), IPv4Address.of(1)).arpRequest(IPv4Address.of(i));
            batch[i] = s.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                    .setInPort(OFPort.of(1)).build();
        }
        s.send(batch);
        for (int i = 0; i < batch.length; i++) {
            OFPacketOut po = s.expect(OFPacketOut.class);
            assertEquals(i, dev.weft.api.packet.Ethernet.parse(po.getData()).orElseThrow().arp().orElseThrow()
                    .targetIp().getInt());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(names = {"EPOLL", "NIO"})
    void theAnswersToOneTurnsReadsLeaveWhenTheTurnEnds(dev.weft.core.dispatch.Transport transport) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.available(), transport + " is not available here");
        start(Duration.ofSeconds(5), transport, 1);
        List<ScriptedSwitch> switches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            switches.add(connect(30 + i, OFVersion.OF_13));
            rec.next(SwitchConnected.class);
        }
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Boolean> answerOutBeforeTheLastRead = new CompletableFuture<>();
        rec.bus.subscribe(new AppHandle("echo-out", 1), PacketIn.class, e -> {
            e.sw().send(e.packetOut(List.of(e.sw().factory().actions().output(OFPort.of(2), 0xffff))).orElseThrow());
            int n = handled.incrementAndGet();
            if (n > 1) {
                try {
                    Thread.sleep(30); // work between the reads: time enough for an answer sent at once to arrive
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            if (n == switches.size()) {
                answerOutBeforeTheLastRead.complete(switches.stream()
                        .anyMatch(s -> s.received.stream().anyMatch(m -> m instanceof OFPacketOut)));
            }
            return Disposition.CONTINUE;
        });
        // Hold the one dispatch thread while every switch's packet-in reaches its socket: its next
        // turn then reads all four.
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        dispatcher.group().next().execute(() -> {
            holding.countDown();
            try {
                go.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        byte[] frame = Frames.from(MacAddress.of(1), IPv4Address.of(1)).arpRequest(IPv4Address.of(2));
        for (ScriptedSwitch s : switches) {
            s.sendNow(s.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                    .setMatch(s.f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build());
        }
        go.countDown();
        assertFalse(answerOutBeforeTheLastRead.get(10, TimeUnit.SECONDS),
                "an answer left before the turn's last packet-in was read");
        for (ScriptedSwitch s : switches) {
            s.expect(OFPacketOut.class);
        }
    }

    /** The control lane has run what was queued and its thread has let go of it (at most 5 s). */
    private static void awaitLetGo(dev.weft.core.dispatch.Lane control) {
        control.awaitIdle();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!control.idle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /**
     * The control lane's work runs on its own thread or, borrowed, on a switch's thread: what it
     * sends to one switch leaves in the order it was sent either way. A write made while borrowing
     * on the switch's own thread once overtook one queued for that switch a moment earlier from
     * the control thread (a migration's deletes for the old location then undid the flows for the
     * new one: `weft demo` lost acme-web3 -> acme-web1 after a move).
     */
    @Test
    void controlWorkReachesASwitchInOrderWhicheverThreadRunsIt() throws Exception {
        start(Duration.ofSeconds(5));
        ScriptedSwitch s = connect(13, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        dev.weft.core.dispatch.Lane control = dispatcher.control();
        CompletableFuture<Void> done = new CompletableFuture<>();
        sw.execute(() -> { // on the switch's thread
            try {
                control.execute(() -> sw.send(sw.factory().buildFlowAdd().setCookie(U64.of(1)).build()));
                awaitLetGo(control); // the control thread has sent it and let go of the lane
                control.runHere(() -> sw.send(sw.factory().buildFlowAdd().setCookie(U64.of(2)).build()));
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.get(5, TimeUnit.SECONDS);
        assertEquals(1, control.borrows(), "the second send ran on the switch's thread");
        List<U64> cookies = new ArrayList<>();
        while (cookies.size() < 2) {
            U64 c = s.expect(OFFlowAdd.class).getCookie();
            if (!c.equals(U64.ZERO)) { // not the table-miss entry installed on connect
                cookies.add(c);
            }
        }
        assertEquals(List.of(U64.of(1), U64.of(2)), cookies);
    }

    /**
     * What the control lane's work sends to a switch while borrowed on that switch's thread leaves
     * when that work ends, not when the borrower's own batch does: a move decided on the thread that
     * read its report (a PORT_STATUS, an OVSDB update) was written only after the rest of that batch
     * (the borrower goes on running queued control work for up to 20 ms; an OVSDB update went on to
     * check the bridge), 4 ms later (median) on the testbed.
     *
     * <p>On epoll: there a flush writes to the socket at once. With io_uring a flush queues a send
     * that the loop submits when it next enters the kernel, after the task or the completions it is
     * handling (Netty has no way to submit from a task), so there the flow-mod leaves when the
     * borrower's batch ends; on the testbed the moves were as fast with io_uring as with epoll
     * (docs/benchmarks.md, 2026-12-07 15:10).
     */
    @Test
    void whatBorrowedControlWorkSendsLeavesWhenThatWorkEnds() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.core.dispatch.Transport.EPOLL.available(),
                "epoll is not available here");
        start(Duration.ofSeconds(5), dev.weft.core.dispatch.Transport.EPOLL);
        ScriptedSwitch s = connect(14, OFVersion.OF_13);
        Switch sw = rec.next(SwitchConnected.class).sw();
        dev.weft.core.dispatch.Lane control = dispatcher.control();
        awaitLetGo(control);
        CountDownLatch received = new CountDownLatch(1);
        CompletableFuture<Boolean> receivedWhileBatchRan = new CompletableFuture<>();
        sw.execute(() -> { // on the switch's thread: borrow, then keep the batch running until the switch has it
            control.runHere(() -> sw.send(sw.factory().buildFlowAdd().setCookie(U64.of(7)).build()));
            try {
                receivedWhileBatchRan.complete(received.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                receivedWhileBatchRan.completeExceptionally(e);
            }
        });
        U64 c;
        do {
            c = s.expect(OFFlowAdd.class).getCookie();
        } while (c.equals(U64.ZERO)); // not the table-miss entry installed on connect
        received.countDown();
        assertEquals(U64.of(7), c);
        assertEquals(1, control.borrows(), "the send ran on the switch's thread");
        assertTrue(receivedWhileBatchRan.get(10, TimeUnit.SECONDS),
                "the flow-mod reached the switch while the borrowing batch still ran");
    }
}
