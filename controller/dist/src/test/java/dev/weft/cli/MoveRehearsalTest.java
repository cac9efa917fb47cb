package dev.weft.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up of {@code weft controller}: migrations rehearsed in a private controller, confirmed by
 * its own mobility app, with nothing of it in the real controller or in the log but its one line.
 * (What it is for, a rested migration's controller time, is measured by {@code weft scale-bench
 * --migrations N --migration-gap MS --warm-up-migrations N} and on the testbed, not asserted here.)
 */
class MoveRehearsalTest {
    private static final List<String> TENANT_APPS = List.of("isolation", "tenant-networks", "mobility");
    @RegisterExtension
    final InfoLog log = new InfoLog();

    private static Controller start(List<String> apps, MoveRehearsal warmUp) {
        return Controller.builder(ControllerSettings.builder().apps(apps).build()).withoutListeners()
                .extension(warmUp).start();
    }

    @Test
    void migrationsAreRehearsedAndConfirmedInAPrivateControllerWithOnlyItsSummaryLogged() throws Exception {
        MoveRehearsal warmUp = new MoveRehearsal(300);
        try (Controller real = start(TENANT_APPS, warmUp)) {
            MoveRehearsal.Report r = warmUp.done().get(60, TimeUnit.SECONDS);
            assertTrue(r.skipped().isEmpty(), r::toString);
            assertEquals(TENANT_APPS, r.apps());
            assertEquals(300, r.migrations(), r::toString);
            // Each move of the rehearsal was a migration its mobility app saw through to the barriers.
            assertEquals(300, r.confirmed(), r::toString);
            // The real controller holds nothing of it: no port, no migration, no switch, no flow.
            assertTrue(real.tenants().locations().isEmpty(), () -> real.tenants().locations().toString());
            assertTrue(real.service(MobilityService.class).orElseThrow().history().isEmpty());
            assertTrue(real.reconciler().stats().isEmpty(), () -> real.reconciler().stats().toString());
            assertTrue(real.switches().all().isEmpty());
        }
        // Of the rehearsal's threads, only the summary reached the log (its 300 migrations log a
        // line each, and its ports, switches and apps more, at INFO in a controller of its own).
        List<ILoggingEvent> fromWarmUp = log.events().stream()
                .filter(e -> e.getThreadName().startsWith(MoveRehearsal.THREADS)).toList();
        assertEquals(1, fromWarmUp.size(), () -> fromWarmUp.stream().map(ILoggingEvent::getFormattedMessage).toList()
                .toString());
        assertEquals(MoveRehearsal.class.getName(), fromWarmUp.get(0).getLoggerName());
        assertTrue(fromWarmUp.get(0).getFormattedMessage().startsWith("warm-up: 300 migrations rehearsed with "
                + TENANT_APPS), fromWarmUp.get(0).getFormattedMessage());
        // Once it is over, the filter that dropped them is gone: the real controller's lines pass.
        assertTrue(log.events().stream().anyMatch(e -> e.getFormattedMessage().equals("stopping")
                && !e.getThreadName().startsWith(MoveRehearsal.THREADS)), "the real controller's stop is logged");
    }

    /**
     * The rehearsal compiles the move's code for the classes the real path uses, or the JVM throws
     * that code away at the first real move (on the testbed, 2026-12-07: 29 methods deoptimized in
     * the first move's last 80 ms, Loxi's writers and the compilers' loops among them; 7 once these
     * two matched).
     */
    @Test
    void theRehearsalRunsOnTheClassesOfTheRealPath() {
        // Flow-mods are encoded into the kind of buffer a switch's connection writes into
        // (SwitchOutput: channel.alloc().ioBuffer()).
        Epoll.ensureAvailability(); // loads the native transport, as the controller's start does
        EpollSocketChannel channel = new EpollSocketChannel();
        ByteBuf real = channel.alloc().ioBuffer(256);
        ByteBuf rehearsed = InMemorySwitch.encodingBuffer();
        try {
            assertEquals(real.getClass(), rehearsed.getClass());
        } finally {
            real.release();
            rehearsed.release();
            channel.unsafe().closeForcibly(); // never registered: nothing but its socket to close
        }
        // Networks of every size class: a network's port list is one class with one or two ports
        // and another with more (List.copyOf), and the compilers loop over it.
        Set<Class<?>> rehearsedLists = MoveRehearsal.site().config().networks().stream()
                .map(n -> n.ports().getClass()).collect(Collectors.toSet());
        Set<Class<?>> realLists = Stream.of(List.of(1), List.of(1, 2), List.of(1, 2, 3))
                .map(l -> List.copyOf(l).getClass()).collect(Collectors.toSet());
        assertEquals(2, realLists.size(), "List.copyOf makes two classes by size: " + realLists);
        assertEquals(realLists, rehearsedLists);
    }

    @Test
    void withoutTenantNetworksThereIsNothingToRehearse() throws Exception {
        MoveRehearsal warmUp = new MoveRehearsal(300);
        try (Controller real = start(List.of("learning-switch"), warmUp)) {
            MoveRehearsal.Report r = warmUp.done().get(5, TimeUnit.SECONDS);
            assertTrue(r.skipped().orElseThrow().contains("no tenant networks"), r::toString);
            assertEquals(0, r.migrations());
        }
    }

    @Test
    void closingTheControllerStopsARehearsalUnderWay() throws Exception {
        MoveRehearsal warmUp = new MoveRehearsal(1_000_000);
        Controller real = start(TENANT_APPS, warmUp);
        real.close();
        MoveRehearsal.Report r = warmUp.done().get(30, TimeUnit.SECONDS);
        assertTrue(r.migrations() < 1_000_000, r::toString);
    }

    @Test
    void theConfigFileSetsHowManyAndZeroTurnsItOff() throws Exception {
        ControllerSettings off = ControllerSettings.builder().config(ConfigLoader.parse(
                "controller:\n  apps: [isolation, tenant-networks, mobility]\n  warm-up-migrations: 0\n", "test.yaml"))
                .build();
        MoveRehearsal warmUp = MoveRehearsal.of(off);
        try (Controller real = Controller.builder(off).withoutListeners().extension(warmUp).start()) {
            assertTrue(warmUp.done().get(5, TimeUnit.SECONDS).skipped().orElseThrow().contains("is 0"));
        }
        ControllerSettings some = ControllerSettings.builder().config(ConfigLoader.parse(
                "controller:\n  apps: [isolation, tenant-networks]\n  warm-up-migrations: 40\n", "test.yaml")).build();
        MoveRehearsal fewer = MoveRehearsal.of(some);
        try (Controller real = Controller.builder(some).withoutListeners().extension(fewer).start()) {
            MoveRehearsal.Report r = fewer.done().get(60, TimeUnit.SECONDS);
            assertEquals(40, r.migrations(), r::toString);
            assertEquals(0, r.confirmed(), "no mobility app, nothing confirms: " + r);
        }
        assertEquals(MoveRehearsal.DEFAULT_MIGRATIONS, MoveRehearsal.of(ControllerSettings.builder().build()).migrations());
        ConfigException e = assertThrows(ConfigException.class, () -> ControllerSettings.builder().config(
                ConfigLoader.parse("controller:\n  warm-up-migrations: -1\n", "test.yaml")));
        assertTrue(e.getMessage().contains("warm-up-migrations"), e.getMessage());
    }
}
