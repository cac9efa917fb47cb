package dev.weft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar that `mvn package` makes, run as a user runs it: {@code java -jar weft.jar ...}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnableJarIT {
    private static final Path JAR = Path.of(System.getProperty("weft.jar", "target/weft.jar"));

    private record Run(int code, String output) {
    }

    private static Run java(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "java -jar " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theJarRunsTheWeftCommand(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " was not built");
        Run version = java(dir, "version");
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().startsWith("weft "), version.output());
        Run help = java(dir, "controller", "--help");
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("--listen"), help.output());
    }

    @Test
    void theJarFindsEveryAppAndRejectsABadConfigWithItsLine(@TempDir Path dir) throws Exception {
        // Every app's ServiceLoader registration survived the merge into one jar: an unknown app
        // is refused with the list of the ones that exist.
        Run unknown = java(dir, "controller", "--apps", "nope", "--listen", "127.0.0.1:0", "--rest", "off");
        assertEquals(1, unknown.code(), unknown.output());
        for (String app : List.of("learning-switch", "forwarding", "isolation", "tenant-networks", "mobility")) {
            assertTrue(unknown.output().contains(app), app + " missing from: " + unknown.output());
        }
        Path bad = Files.writeString(dir.resolve("weft.yaml"), "controller:\n  lisen: 6653\n");
        Run config = java(dir, "controller", "--config", bad.toString());
        assertEquals(2, config.code(), config.output());
        assertTrue(config.output().contains("weft.yaml:2:3: unknown key 'lisen'"), config.output());
    }
}
