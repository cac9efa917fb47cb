package dev.weft.testbed;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A {@code ping} running inside a VM while the test does something else (a migration, a
 * controller restart): {@code ping -D -O -i INTERVAL -w MAX}, or the testbed's {@value #STEADY}
 * (same output) where the interval must be kept: iputils' ping sends every 16 ms when asked for
 * 10 (it waits on a socket timeout the kernel rounds up). {@link #stop()} ends it with SIGINT and
 * returns the per-packet {@link PingTrace}. It ends by itself after its maximum duration, and
 * {@link Testbed#close()} stops any that are still running.
 */
public final class BackgroundPing implements AutoCloseable {
  /** The steady pinger: a request every interval on the monotonic clock, ping's output. */
  public static final String STEADY = "examples/testbed/pinger.py";
  private final String vm;
  private final String target;
  private final long intervalMicros;
  private final Process process;
  private final StringBuilder out = new StringBuilder();
  private final Thread reader;
  private final Instant started;
  private PingTrace trace;

  BackgroundPing(String vm, String namespace, String target, Duration interval,
      Duration maxDuration) {
    this(vm, namespace, target, interval, maxDuration, null);
  }

  private static volatile Boolean realtime;

  /** Whether this machine lets us run a process at a real-time priority ({@code chrt -f 10}). */
  static boolean realtime() {
    Boolean r = realtime;
    if (r == null) {
      try {
        Process p = new ProcessBuilder("chrt", "-f", "10", "true").redirectErrorStream(true).start();
        r = p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        r = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = false;
      }
      realtime = r;
    }
    return r;
  }

  /** {@code steady}: the path of {@value #STEADY} to send with, or null for iputils' ping. */
  BackgroundPing(String vm, String namespace, String target, Duration interval,
      Duration maxDuration, Path steady) {
    if (interval.toMillis() < 2) {
      throw new IllegalArgumentException("interval must be at least 2 ms: " + interval);
    }
    this.vm = vm;
    this.target = target;
    this.intervalMicros = interval.toNanos() / 1000;
    long deadline = Math.max(1, (maxDuration.toMillis() + 999) / 1000);
    String seconds = String.format(Locale.ROOT, "%.3f", interval.toNanos() / 1e9);
    List<String> cmd = steady == null
        ? List.of("ip", "netns", "exec", namespace, "ping", "-n", "-D", "-O", "-i", seconds, "-W", "1",
            "-w", Long.toString(deadline), target)
        : new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace));
    if (steady != null) {
      // The instrument gets a CPU when its request is due and when the answer comes: on a 2-core
      // machine shared with three vswitchds and the controller, the pinger at normal priority sent
      // its first request after a move up to 9.7 ms late in 9 of 72 moves (2026-12-06 20:26-20:34),
      // and the late wake-up also lengthened the round trip it measured. A VM has its own vCPU.
      cmd.addAll(realtime() ? List.of("chrt", "-f", "10") : List.of());
      cmd.addAll(List.of("python3", steady.toString(), "-i", seconds, "-w", Long.toString(deadline), target));
    }
    try {
      this.process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new TestbedException("cannot start ping in " + vm + ": " + e.getMessage(), e);
    }
    this.started = Instant.now();
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (out) {
            out.append(line).append('\n');
          }
        }
      } catch (IOException ignored) {
        // ended
      }
    }, "bg-ping-" + vm);
    reader.setDaemon(true);
    reader.start();
  }

  public String vm() {
    return vm;
  }

  public String target() {
    return target;
  }

  public Instant started() {
    return started;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Answers seen so far (a cheap progress check while it runs). */
  public int answeredSoFar() {
    synchronized (out) {
      return (int) out.chars().filter(c -> c == '\n').count() - 1;
    }
  }

  /** Echo replies seen so far (not counting "no answer yet" lines). */
  public int repliesSoFar() {
    synchronized (out) {
      return (int) out.toString().lines().filter(l -> l.contains("bytes from")).count();
    }
  }

  /**
   * Returns once {@code n} echo replies have come: the pinger runs and the path answers. A
   * measurement must start after this, not after a fixed wait: the steady pinger (python) took 230 to
   * 530 ms to send its first request on a loaded machine, and a move made before that was timed from
   * that first request instead of from the port's return. Fails (with what the pinger printed) after
   * {@code max}.
   */
  public void awaitReplies(int n, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (repliesSoFar() < n) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String printed;
        synchronized (out) {
          printed = out.toString();
        }
        throw new AssertionError(vm + "'s ping of " + target + ": not " + n + " replies within " + max.toMillis()
            + " ms" + (process.isAlive() ? "" : " (it ended)") + ": " + printed.substring(Math.max(0,
            printed.length() - 2000)));
      }
      Thread.sleep(5);
    }
  }

  /**
   * How long a reply may take and still count: requests sent less than this before the stop were
   * possibly still in flight, and are left out of the trace unless answered.
   */
  static final Duration IN_FLIGHT = Duration.ofSeconds(1);

  /**
   * Stops ping (SIGINT, bounded wait, then kill) and returns what happened to every packet that
   * had time to come back (see {@link #IN_FLIGHT}).
   */
  public synchronized PingTrace stop() {
    if (trace == null) {
      java.time.Instant stoppedAt = java.time.Instant.now();
      Exec.stop(process, Duration.ofSeconds(3));
      Exec.join(reader, 3000);
      String raw;
      synchronized (out) {
        raw = out.toString();
      }
      trace = PingTrace.parse(raw, intervalMicros).sentUntil(stoppedAt.minus(IN_FLIGHT));
    }
    return trace;
  }

  @Override
  public void close() {
    stop();
  }
}
