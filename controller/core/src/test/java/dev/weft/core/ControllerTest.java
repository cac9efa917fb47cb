package dev.weft.core;

import dev.weft.core.app.AppLoadException;
import dev.weft.core.app.PluginJars;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.openflow.ScriptedSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerTest {
    @TempDir
    Path plugins;

    private ControllerSettings.Builder local() {
        return ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(1);
    }

    @Test
    void appFromAPluginJarRunsAndAppsRunInTheGivenOrder() throws Exception {
        PluginJars.build(plugins.resolve("one.jar"),
                Map.of("acme.One", PluginJars.flowOnConnectApp("acme", "One", "one", 111)), List.of("acme.One"));
        PluginJars.build(plugins.resolve("two.jar"),
                Map.of("acme.Two", PluginJars.flowOnConnectApp("acme", "Two", "two", 222)), List.of("acme.Two"));
        try (Controller c = Controller.start(local().plugins(plugins).apps(List.of("two", "one")).build());
             ScriptedSwitch s = new ScriptedSwitch(7, OFVersion.OF_13)) {
            assertEquals(List.of("two", "one"), c.apps().stream().map(Object::toString).toList());
            s.connect(c.openflowAddresses().get(0));
            // The handshake's table-miss (priority 0) first, then app "two", then app "one".
            assertEquals(0, s.expect(OFFlowAdd.class).getPriority());
            assertEquals(222, s.expect(OFFlowAdd.class).getPriority());
            assertEquals(111, s.expect(OFFlowAdd.class).getPriority());
            assertEquals(1, c.switches().all().size());
        }
    }

    @Test
    void aMissingTlsKeyFileIsAConfigErrorNamingTheFile() {
        var tls = new dev.weft.core.tls.PemTls(plugins.resolve("nope-privkey.pem"), plugins.resolve("cert.pem"),
                java.util.Optional.of(plugins.resolve("ca.pem")));
        ConfigException e = assertThrows(ConfigException.class, () -> Controller.start(local().apps(List.of())
                .switchTls(tls).listenAddresses(List.of(new dev.weft.core.openflow.ListenAddress(
                        new InetSocketAddress("127.0.0.1", 0), true))).build()));
        assertTrue(e.getMessage().contains("controller.tls: private-key: no such file " + plugins.resolve("nope-privkey.pem")),
                e.getMessage());
    }

    @Test
    void unknownAppStopsTheStart() {
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> Controller.start(local().apps(List.of("nope")).build()));
        assertTrue(e.getMessage().startsWith("unknown app 'nope'"), e.getMessage());
    }

    @Test
    void configForAnAppThatDoesNotExistIsAConfigError() {
        var cfg = ConfigLoader.parse("apps:\n  lerning-switch:\n    idle-timeout: 5s\n", "weft.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Controller.start(local().config(cfg).apps(List.of()).build()));
        assertTrue(e.getMessage().contains("apps.lerning-switch configures an app that does not exist"), e.getMessage());
    }

    @Test
    void portInUseIsAClearErrorAndNothingIsLeftRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var addr = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Controller.start(local().apps(List.of()).listen(List.of(addr)).build()));
            assertTrue(e.getMessage().startsWith("cannot listen on tcp:127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        // Netty completes a loop's termination future as its thread exits: join them, bounded.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("weft-dispatch") || t.getName().equals("weft-control")) {
                t.join(5_000);
                assertFalse(t.isAlive(), t.getName() + " was stopped");
            }
        }
    }

    @Test
    void listensOnSeveralAddresses() {
        try (Controller c = Controller.start(local().apps(List.of()).listen(List.of(
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0))).build())) {
            assertEquals(2, c.openflowAddresses().size());
        }
    }
}
