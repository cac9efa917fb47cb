package dev.weft.ovs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Open vSwitch's {@code ovs-testcontroller ptcp:PORT:127.0.0.1} (a MAC-learning controller) as
 * a stand-in controller under test. Runs in the foreground as our child process, stopped by its
 * pid; output goes to {@code target/ovs-logs/ovs-testcontroller-PORT.log}.
 */
public final class OvsTestController implements ControllerUnderTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final int port;
  private final List<String> extraArgs;
  private final Path log;
  private Process process;
  private Thread shutdownHook;

  /** On a free loopback port. */
  public OvsTestController() {
    this(Loopback.freePort());
  }

  /** {@code extraArgs} go before the listen address, e.g. {@code "-O", "OpenFlow13"}. */
  public OvsTestController(int port, String... extraArgs) {
    this.port = port;
    this.extraArgs = List.of(extraArgs);
    this.log = OvsEnvironment.logDir().resolve("ovs-testcontroller-" + port + ".log");
  }

  @Override
  public String name() {
    return "ovs-testcontroller";
  }

  @Override
  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void start() throws IOException {
    if (isRunning()) {
      return;
    }
    if (Loopback.isListening(port)) {
      throw new IOException("port " + port + " is already in use on 127.0.0.1");
    }
    List<String> cmd = new ArrayList<>(List.of("ovs-testcontroller"));
    cmd.addAll(extraArgs);
    cmd.add("ptcp:" + port + ":127.0.0.1");
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    // If the JVM exits without stop() (e.g. a test timeout), still end our process by pid.
    Process started = process;
    shutdownHook = new Thread(() -> Processes.killTree(started.toHandle(), STOP_TIMEOUT),
        "ovs-testcontroller-shutdown-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Loopback.isListening(port)) {
      if (!process.isAlive()) {
        throw new IOException("ovs-testcontroller exited with " + process.exitValue() + ": "
            + Processes.tail(log, 5));
      }
      if (System.nanoTime() - deadline >= 0) {
        stop();
        throw new IOException("ovs-testcontroller not listening on port " + port + " after "
            + START_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IOException("interrupted", e);
      }
    }
  }

  @Override
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Processes.killTree(process.toHandle(), STOP_TIMEOUT);
    process = null;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // JVM shutting down
    }
    Loopback.awaitListening(port, false, STOP_TIMEOUT);
  }

  @Override
  public String toString() {
    return name() + " on 127.0.0.1:" + port;
  }
}
