package dev.weft.cli;

import dev.weft.testbed.WeftProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `weft controller` as a process, stopped the ways people and service managers stop it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
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

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
