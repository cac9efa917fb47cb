package dev.weft.core.openflow;

import dev.weft.api.Switch;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.tls.PemTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switches over TLS with keys made by {@code ovs-pki} (src/test/resources/tls, see its README):
 * mutual authentication, and datapath ids pinned to certificates.
 */
class TlsSwitchTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RecordingBus rec;
    private SwitchManager manager;
    private InetSocketAddress tlsAddr;
    private InetSocketAddress tcpAddr;

    static Path pem(String name) {
        try {
            return Path.of(TlsSwitchTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(DatapathPins pins) {
        Dispatcher dispatcher = new Dispatcher(2);
        rec = new RecordingBus();
        manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(5));
        SslContext ctx = new PemTls(pem("controller-privkey.pem"), pem("controller-cert.pem"),
                Optional.of(pem("switchca.pem"))).serverContext();
        OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(
                EnumSet.of(OFVersion.OF_10, OFVersion.OF_13), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(15), true, Optional.of(ctx), pins), manager, dispatcher, Clock.systemUTC());
        List<InetSocketAddress> bound = server.bindAll(List.of(
                new ListenAddress(new InetSocketAddress("127.0.0.1", 0), true),
                new ListenAddress(new InetSocketAddress("127.0.0.1", 0), false)));
        tlsAddr = bound.get(0);
        tcpAddr = bound.get(1);
        toClose.add(dispatcher);
        toClose.add(server);
    }

    /** A switch's TLS context as {@code ovs-vsctl set-ssl KEY CERT CA} configures one. */
    private static SslContext client(String name, boolean withCertificate) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(null) // a switch checks the CA, not a host name
                .trustManager(pem("controllerca.pem").toFile());
        if (withCertificate) {
            b.keyManager(pem(name + "-cert.pem").toFile(), pem(name + "-privkey.pem").toFile());
        }
        return b.build();
    }

    private ScriptedSwitch connect(long dpid, SslContext tls, InetSocketAddress to) throws Exception {
        ScriptedSwitch s = new ScriptedSwitch(dpid, OFVersion.OF_13);
        if (tls != null) {
            s.tls(tls);
        }
        toClose.add(0, s);
        return s.connect(to);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void aSwitchWithACertificateSignedByTheCaConnects() throws Exception {
        start(DatapathPins.NONE);
        ScriptedSwitch s = connect(1, client("sw1", true), tlsAddr);
        Switch sw = rec.next(SwitchConnected.class).sw();
        assertEquals(DatapathId.of(1), sw.id());
        sw.send(sw.factory().buildFlowAdd().setPriority(9).build());
        s.expect(OFFlowAdd.class); // the handshake's table-miss entry
        assertEquals(9, s.expect(OFFlowAdd.class).getPriority());
        sw.barrier().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSwitchWhoseCertificateAnotherCaSignedIsRefused() throws Exception {
        start(DatapathPins.NONE);
        ScriptedSwitch rogue = connect(1, client("rogue", true), tlsAddr);
        assertTrue(rogue.awaitClosed(5000), "the connection is closed");
        assertRefusedThenAcceptsAGoodOne(2);
    }

    @Test
    void aSwitchWithoutACertificateIsRefused() throws Exception {
        start(DatapathPins.NONE);
        ScriptedSwitch anonymous = connect(1, client("sw1", false), tlsAddr);
        assertTrue(anonymous.awaitClosed(5000), "the connection is closed");
        assertRefusedThenAcceptsAGoodOne(2);
    }

    @Test
    void aPinnedDatapathIdIsClaimedOnlyByItsCertificate() throws Exception {
        start(new DatapathPins(List.of(
                DatapathPin.bySubjectCn(DatapathId.of(1), DatapathPins.subjectCn(certificate("sw1")).orElseThrow()),
                DatapathPin.bySha256(DatapathId.of(2), DatapathPins.fingerprint(certificate("sw2"))))));
        // sw2 has a valid certificate, but datapath id 1 is pinned to sw1's.
        ScriptedSwitch thief = connect(1, client("sw2", true), tlsAddr);
        assertTrue(thief.awaitClosed(5000), "sw2 claiming sw1's datapath id is refused");
        // Over plain TCP nobody can claim a pinned datapath id.
        ScriptedSwitch plain = connect(1, null, tcpAddr);
        assertTrue(plain.awaitClosed(5000), "a plain TCP claim of a pinned datapath id is refused");
        // A certificate pinned to datapath id 1 may not claim another one.
        ScriptedSwitch wrongId = connect(3, client("sw1", true), tlsAddr);
        assertTrue(wrongId.awaitClosed(5000), "sw1's certificate claiming datapath id 3 is refused");
        assertTrue(rec.drain().stream().noneMatch(e -> e instanceof SwitchConnected), "nothing was announced");
        // The rightful owners connect, by CN and by fingerprint.
        ScriptedSwitch one = connect(1, client("sw1", true), tlsAddr);
        assertEquals(DatapathId.of(1), rec.next(SwitchConnected.class).sw().id());
        ScriptedSwitch two = connect(2, client("sw2", true), tlsAddr);
        assertEquals(DatapathId.of(2), rec.next(SwitchConnected.class).sw().id());
        // And while sw1 holds datapath id 1, sw2 still cannot take it.
        ScriptedSwitch again = connect(1, client("sw2", true), tlsAddr);
        assertTrue(again.awaitClosed(5000));
        assertTrue(one.isOpen() && two.isOpen());
        assertEquals(2, manager.all().size());
    }

    private void assertRefusedThenAcceptsAGoodOne(long dpid) throws Exception {
        assertTrue(rec.drain().stream().noneMatch(e -> e instanceof SwitchConnected), "the refused switch was not announced");
        connect(dpid, client("sw1", true), tlsAddr);
        assertEquals(DatapathId.of(dpid), rec.next(SwitchConnected.class).sw().id());
    }

    private static java.security.cert.X509Certificate certificate(String name) throws Exception {
        try (var in = java.nio.file.Files.newInputStream(pem(name + "-cert.pem"))) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
    }
}
