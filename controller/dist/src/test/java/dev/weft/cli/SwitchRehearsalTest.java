package dev.weft.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.weft.api.host.HostService;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.openflow.ListenAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switch warm-up of {@code weft controller}: bursts of the bench's simulated switches against a
 * private controller over loopback, answered by its apps, with nothing of it left behind (threads,
 * the real controller's switches and hosts, the log but its one line). What it is for, the first
 * second of a cold 1,000-switch burst on a loaded machine, is measured in docs/benchmarks.md, not here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwitchRehearsalTest {
    @RegisterExtension
    final InfoLog log = new InfoLog();

    private static ControllerSettings real(List<String> apps) {
        return ControllerSettings.builder().apps(apps)
                .listenAddresses(List.of(ListenAddress.tcp(new InetSocketAddress("127.0.0.1", 0)))).build();
    }

    private static boolean ofTheRehearsal(String threadName) {
        return threadName.startsWith(SwitchRehearsal.THREADS) || threadName.startsWith(SwitchRehearsal.BENCH_THREADS)
                || threadName.equals(SwitchRehearsal.ACCEPT_THREAD);
    }

    @Test
    void burstsOfSimulatedSwitchesAreAnsweredByAPrivateControllerWithOnlyTheSummaryLogged() throws Exception {
        ControllerSettings settings = real(List.of("learning-switch"));
        SwitchRehearsal.Report r = SwitchRehearsal.run(settings, 20, () -> false);

        assertTrue(r.skipped().isEmpty(), r::toString);
        assertEquals(List.of("learning-switch"), r.apps());
        assertEquals(List.of(OFVersion.OF_10, OFVersion.OF_13), r.versions());
        assertEquals(SwitchRehearsal.ROUNDS, r.rounds(), r::toString);
        assertEquals(SwitchRehearsal.ROUNDS * 20L, r.handshakes(), r::toString);
        // Every round's switches got packet-ins answered: the handshake, the announcement to the apps
        // and the packet-in path all ran (a round whose switches got nothing fails the bench: skipped).
        assertTrue(r.responses() >= SwitchRehearsal.ROUNDS * 20L, r::toString);

        // Its controller and its switches are gone when it returns: no thread of theirs is left.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (ofTheRehearsal(t.getName())) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                assertFalse(t.isAlive(), () -> t.getName() + " still runs after the warm-up");
            }
        }
        // Of everything its controller and switches did (each switch's connection logs a line at INFO
        // in a controller of its own), only the summary reached the log, from the caller's thread.
        List<ILoggingEvent> fromWarmUp = log.events().stream().filter(e -> ofTheRehearsal(e.getThreadName())).toList();
        assertEquals(List.of(), fromWarmUp.stream().map(ILoggingEvent::getFormattedMessage).toList());
        List<ILoggingEvent> lines = log.events().stream()
                .filter(e -> e.getLoggerName().equals(SwitchRehearsal.class.getName())).toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).getFormattedMessage().startsWith("switch warm-up: rounds of 20 simulated switches"),
                lines.get(0).getFormattedMessage());
        assertTrue(lines.get(1).getFormattedMessage().startsWith("switch warm-up: 60 handshakes of simulated switches"
                + " (3 rounds of 20, OpenFlow [1.0, 1.3]) and "), lines.get(1).getFormattedMessage());
        assertEquals(2, log.events().size(), () -> log.events().stream().map(e -> e.getThreadName() + ": "
                + e.getFormattedMessage()).collect(Collectors.joining("\n")));

        // The real controller, started after it, holds nothing of it: no switch, no host.
        try (Controller c = Controller.start(settings)) {
            assertTrue(c.switches().all().isEmpty());
            assertTrue(c.service(HostService.class).orElseThrow().all().isEmpty());
        }
        // Once it is over, the filters that dropped its lines are gone: the real controller's pass.
        assertTrue(log.events().stream().anyMatch(e -> e.getFormattedMessage().startsWith("Weft ")
                && e.getFormattedMessage().contains("started")), "the real controller's start is logged");
    }

    @Test
    void onlyTheLearningSwitchAndForwardingRunInItOnLoopbackWithNothingOfTheSite() throws Exception {
        ControllerSettings real = ControllerSettings.builder().config(ConfigLoader.parse(String.join("\n",
                "controller:",
                "  listen: ['0.0.0.0:6653']",
                "  apps: [isolation, tenant-networks, forwarding, learning-switch]",
                "  dispatch-threads: 3",
                "  openflow-versions: ['1.3', '1.4']",
                "  flow-audit-interval: 30s",
                "  warm-up-switches: 40",
                ""), "test.yaml")).build();
        List<String> apps = real.apps().stream().filter(SwitchRehearsal.REHEARSABLE::contains).toList();
        assertEquals(List.of("forwarding", "learning-switch"), apps);
        ControllerSettings p = SwitchRehearsal.privateSettings(real, apps);
        assertEquals(List.of(ListenAddress.tcp(new InetSocketAddress("127.0.0.1", 0))), p.listen());
        assertEquals(apps, p.apps());
        assertEquals(3, p.dispatchThreads());
        assertEquals(Set.of(OFVersion.OF_13, OFVersion.OF_14), p.versions());
        assertEquals(Duration.ZERO, p.flowAuditInterval());
        assertTrue(p.network().transportNodes().isEmpty() && p.network().tenants().isEmpty());
        assertTrue(p.configFile().isEmpty() && p.switchTls().isEmpty() && p.pins().isEmpty());
        assertEquals(null, p.controllerSection().stateDir());
        assertEquals(40, SwitchRehearsal.switches(real));

        // 1.3 only among the bench's versions: its rounds speak 1.3.
        SwitchRehearsal.Report r = SwitchRehearsal.run(real, 10, () -> false);
        assertTrue(r.skipped().isEmpty(), r::toString);
        assertEquals(List.of(OFVersion.OF_13), r.versions());
        assertEquals(apps, r.apps());
        assertTrue(r.responses() > 0, r::toString);
    }

    @Test
    void zeroTurnsItOffAndAStopEndsItBeforeItsNextRound() throws Exception {
        ControllerSettings off = ControllerSettings.builder().config(ConfigLoader.parse(
                "controller:\n  warm-up-switches: 0\n", "test.yaml")).build();
        assertEquals(0, SwitchRehearsal.switches(off));
        SwitchRehearsal.Report r = SwitchRehearsal.run(off, SwitchRehearsal.switches(off), () -> false);
        assertTrue(r.skipped().orElseThrow().contains("is 0"), r::toString);
        assertEquals(0, r.handshakes());

        SwitchRehearsal.Report stopped = SwitchRehearsal.run(real(List.of("learning-switch")), 20, () -> true);
        assertEquals(0, stopped.rounds(), stopped::toString);
        assertTrue(stopped.skipped().orElseThrow().contains("asked to stop"), stopped::toString);

        ControllerSettings old = ControllerSettings.builder().versions(EnumSet.of(OFVersion.OF_14, OFVersion.OF_15))
                .build();
        assertTrue(SwitchRehearsal.run(old, 20, () -> false).skipped().orElseThrow().contains("1.0 or 1.3"));

        assertEquals(SwitchRehearsal.DEFAULT_SWITCHES, SwitchRehearsal.switches(ControllerSettings.builder().build()));
        for (String bad : List.of("-1", "10001")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ControllerSettings.builder().config(
                    ConfigLoader.parse("controller:\n  warm-up-switches: " + bad + "\n", "test.yaml")));
            assertTrue(e.getMessage().contains("warm-up-switches"), e.getMessage());
        }
    }

    @Test
    void theCommandLineSetsItFrom0To10000() {
        ControllerCommand.Run run = (ControllerCommand.Run) ControllerCommand.parse(
                new String[] {"--listen", "127.0.0.1:0", "--warm-up-switches", "0"});
        assertEquals(0, run.warmUpSwitches());
        ControllerCommand.Run none = (ControllerCommand.Run) ControllerCommand.parse(new String[] {"--listen", "127.0.0.1:0"});
        assertEquals(null, none.warmUpSwitches());
        for (String bad : List.of("-1", "x", "10001")) {
            UsageException e = assertThrows(UsageException.class, () -> ControllerCommand.parse(
                    new String[] {"--warm-up-switches", bad}));
            assertTrue(e.getMessage().contains("--warm-up-switches"), e.getMessage());
        }
    }
}
