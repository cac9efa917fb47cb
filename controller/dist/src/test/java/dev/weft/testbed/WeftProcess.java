package dev.weft.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Weft as a separate process (so that a test can kill it with SIGKILL), started with the test's
 * own classpath: {@code java -cp ... dev.weft.cli.Main controller ARGS}. Output goes to a log file.
 */
public final class WeftProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private WeftProcess(Process p, Path log) {
    this.process = p;
    this.log = log;
  }

  public static WeftProcess start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/env"))) {
      // As from a terminal: a job started in the background of a shell without job control
      // (`mvn verify &` in a script) inherits SIGINT ignored, and a JVM started with SIGINT ignored
      // never installs its handler, so Ctrl-C (SIGINT) would be tested against a setting no user has.
      cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
    }
    cmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp", classpath(),
        "dev.weft.cli.Main", "controller"));
    cmd.addAll(List.of(args));
    if (!List.of(args).contains("--rest")) {
      cmd.addAll(List.of("--rest", "off")); // the API's default port may be taken on a shared machine
    }
    if (!List.of(args).contains("--warm-up-switches")) {
      // The switch warm-up delays the listener by seconds on a loaded machine; these tests time
      // other things (ControllerProcessTest runs a controller with it).
      cmd.addAll(List.of("--warm-up-switches", "0"));
    }
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new WeftProcess(p, log);
  }

  /** The test JVM's classpath, unwrapping Surefire's manifest-only jar if that is what it is. */
  static String classpath() throws IOException {
    String cp = System.getProperty("java.class.path");
    String[] parts = cp.split(java.io.File.pathSeparator);
    if (parts.length == 1 && parts[0].endsWith(".jar")) {
      try (JarFile jar = new JarFile(parts[0])) {
        Manifest m = jar.getManifest();
        String inner = m == null ? null : m.getMainAttributes().getValue("Class-Path");
        if (inner != null) {
          List<String> files = new ArrayList<>();
          for (String url : inner.trim().split("\\s+")) {
            files.add(Path.of(java.net.URI.create(url.startsWith("file:") ? url : "file:" + url)).toString());
          }
          return String.join(java.io.File.pathSeparator, files);
        }
      }
    }
    return cp;
  }

  /** Wait until the log contains {@code text}; false on timeout or if the process died. */
  public boolean awaitLog(String text, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** SIGKILL: no shutdown hook runs, nothing is cleaned up by Weft. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Send a signal by name (INT, TERM, HUP) as a shell or a service manager would. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Wait for the process to end; its exit code, or empty if it is still running after the timeout. */
  public java.util.OptionalInt awaitExit(long timeoutMs) throws InterruptedException {
    return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
        : java.util.OptionalInt.empty();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill9();
      }
    }
  }
}
