package dev.weft.ovsdb;

import dev.weft.core.tls.PemTls;
import dev.weft.ovsdb.rpc.OvsdbAddress;
import dev.weft.ovsdb.rpc.OvsdbClient;
import dev.weft.ovsdb.rpc.OvsdbException;
import dev.weft.ovsdb.testing.OvsdbServerProcess;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ssl:} OVSDB: a real {@code ovsdb-server} on {@code pssl:} with keys made by
 * {@code ovs-pki} (as for the switches' TLS): Weft's client with the controller key reaches it;
 * one whose certificate another CA signed does not.
 */
class OvsdbTlsTest {

    private static void pki(Path dir, String... args) throws Exception {
        Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ": " + out);
    }

    @Test
    void mutualTlsWithOvsPkiKeysAndAStrangersCertificateRefused(@TempDir Path dir) throws Exception {
        OvsdbServerProcess.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ovs-pki")), "ovs-pki");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "init");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "req+sign", "weft", "controller");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "req+sign", "hv1", "switch");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("rogueca"), "init");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("rogueca"), "req+sign", "rogue", "controller");
        try (OvsdbServerProcess s = OvsdbServerProcess.start(List.of("--remote=pssl:0:127.0.0.1",
                "--private-key=" + dir.resolve("hv1-privkey.pem"), "--certificate=" + dir.resolve("hv1-cert.pem"),
                "--ca-cert=" + dir.resolve("ca/controllerca/cacert.pem")))) {
            EventLoopGroup group = OvsdbClient.newGroup(1, new DefaultThreadFactory("weft-ovsdb-tls", true));
            try {
                OvsdbAddress at = OvsdbAddress.parse("ssl:127.0.0.1:" + s.tcpPort());
                PemTls weft = new PemTls(dir.resolve("weft-privkey.pem"), dir.resolve("weft-cert.pem"),
                        Optional.of(dir.resolve("ca/switchca/cacert.pem")));
                try (OvsdbClient c = OvsdbClient.connect(at, OvsdbClient.Options.defaults()
                        .withSsl(ClientTls.context(weft)), group).get(60, TimeUnit.SECONDS)) {
                    assertEquals("[\"weft\"]", c.echo().get(30, TimeUnit.SECONDS).toString());
                    assertTrue(c.listDbs().get(30, TimeUnit.SECONDS).contains("Open_vSwitch"));
                }
                PemTls rogue = new PemTls(dir.resolve("rogue-privkey.pem"), dir.resolve("rogue-cert.pem"),
                        Optional.of(dir.resolve("ca/switchca/cacert.pem")));
                CompletionException e = assertThrows(CompletionException.class, () -> {
                    OvsdbClient c = OvsdbClient.connect(at, OvsdbClient.Options.defaults()
                            .withSsl(ClientTls.context(rogue)), group).join();
                    // TLS 1.3: the server may refuse the client's certificate after the handshake.
                    c.echo().join();
                });
                assertInstanceOf(OvsdbException.class, e.getCause(), e.toString());
                // Without keys, an ssl: address is refused before any connection.
                CompletionException none = assertThrows(CompletionException.class,
                        () -> OvsdbClient.connect(at, OvsdbClient.Options.defaults(), group).join());
                assertTrue(none.getCause().getMessage().contains("needs a TLS key"), none.getCause().getMessage());
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The README's {@code ssl:} setup end to end: a transport node with {@code ovsdb: ssl:...} and
     * the {@code ovsdb:} section's {@code private-key}, {@code certificate} and
     * {@code ca-certificate}; Weft builds br-int over TLS (read back over the server's unix socket).
     */
    @Test
    void weftBuildsTheBridgeThroughAnSslOvsdb(@TempDir Path dir) throws Exception {
        OvsdbServerProcess.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ovs-pki")), "ovs-pki");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "init");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "req+sign", "weft", "controller");
        pki(dir, "ovs-pki", "--dir=" + dir.resolve("ca"), "req+sign", "hv1", "switch");
        try (OvsdbServerProcess s = OvsdbServerProcess.start(List.of("--remote=pssl:0:127.0.0.1",
                "--private-key=" + dir.resolve("hv1-privkey.pem"), "--certificate=" + dir.resolve("hv1-cert.pem"),
                "--ca-cert=" + dir.resolve("ca/controllerca/cacert.pem")))) {
            String yaml = "ovsdb:\n  controller-targets: [\"ssl:10.99.0.254:6653\"]\n"
                    + "  private-key: " + dir.resolve("weft-privkey.pem") + "\n"
                    + "  certificate: " + dir.resolve("weft-cert.pem") + "\n"
                    + "  ca-certificate: " + dir.resolve("ca/switchca/cacert.pem") + "\n"
                    + "transport-nodes:\n" + BridgeKeeperTest.node("hv1", 1, "ssl:127.0.0.1:" + s.tcpPort())
                    + BridgeKeeperTest.node("hv2", 2, null);
            dev.weft.core.config.WeftConfig cfg = dev.weft.core.config.ConfigLoader.parse(yaml, "weft.yaml");
            OvsdbExtension ext = new OvsdbExtension(OvsdbSettings.of(cfg.ovsdb(), cfg.source()));
            try (dev.weft.core.Controller c = dev.weft.core.Controller.builder(dev.weft.core.ControllerSettings.builder()
                    .config(cfg).apps(List.of()).dispatchThreads(1).build()).withoutListeners().extension(ext).start()) {
                BridgeKeeperTest.until(() -> !ext.alerts().cleared().isEmpty() && ext.alerts().active().isEmpty(),
                        "br-int built over ssl: " + ext.alerts().active());
                assertEquals("secure", s.vsctl("get", "bridge", "br-int", "fail_mode"));
                assertEquals("ssl:10.99.0.254:6653", s.vsctl("get-controller", "br-int"));
                assertEquals("{key=flow, remote_ip=flow}", s.vsctl("get", "interface", "vx-flow", "options"));
                assertTrue(c.tenants().config().node("hv1").isPresent());
            }
        }
    }
}
