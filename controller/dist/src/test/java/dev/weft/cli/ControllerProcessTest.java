package dev.weft.cli;

import dev.weft.testbed.WeftProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `weft controller` as a process, stopped the ways people and service managers stop it. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ControllerProcessTest {

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalToStopIsACleanStopWithExitCode0(String signal, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("weft.log");
        try (WeftProcess weft = WeftProcess.start(log, "--listen", "127.0.0.1:0", "--apps", "learning-switch",
                "--log-level", "info")) {
            assertTrue(weft.awaitLog("started: apps", 30_000), () -> "did not start: " + read(log));
            weft.signal(signal);
            OptionalInt code = weft.awaitExit(20_000);
            assertTrue(code.isPresent(), "still running after SIG" + signal + ": " + read(log));
            assertEquals(0, code.getAsInt(), "SIG" + signal + " is a clean stop: " + read(log));
            assertTrue(read(log).contains("stopping"), read(log));
        }
    }

    @Test
    void theSwitchWarmUpEndsBeforeTheListenerOpensAndAStopDuringItIsClean(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("weft.log");
        try (WeftProcess weft = WeftProcess.start(log, "--listen", "127.0.0.1:0", "--apps", "learning-switch",
                "--log-level", "info", "--warm-up-switches", "20")) {
            assertTrue(weft.awaitLog("started: apps", 45_000), () -> "did not start: " + read(log));
            String text = read(log);
            int warmUp = text.indexOf("switch warm-up: 60 handshakes of simulated switches (3 rounds of 20");
            int listening = text.indexOf("listening for OpenFlow switches on tcp:127.0.0.1:");
            assertTrue(warmUp >= 0 && listening > warmUp, () -> "the warm-up's line, then the listener's: " + text);
            // Nothing of its private controller or its switches in the log: no switch of its connects.
            assertFalse(text.contains(" connected from /127.0.0.1:"), text);
            weft.signal("TERM");
            OptionalInt code = weft.awaitExit(20_000);
            assertTrue(code.isPresent() && code.getAsInt() == 0, () -> "a clean stop: " + read(log));
        }
        // A stop asked for while it runs: it ends before its next round, the controller starts and stops cleanly.
        Path log2 = dir.resolve("weft2.log");
        try (WeftProcess weft = WeftProcess.start(log2, "--listen", "127.0.0.1:0", "--apps", "learning-switch",
                "--log-level", "info", "--warm-up-switches", "300")) {
            assertTrue(weft.awaitLog("switch warm-up: rounds of 300", 30_000), () -> read(log2));
            weft.signal("TERM");
            OptionalInt code = weft.awaitExit(45_000);
            assertTrue(code.isPresent(), () -> "still running after SIGTERM during the warm-up: " + read(log2));
            assertEquals(0, code.getAsInt(), () -> read(log2));
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
