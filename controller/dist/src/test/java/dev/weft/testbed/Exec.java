package dev.weft.testbed;

import dev.weft.ovs.Processes;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command, bounded in time, with stdout and stderr kept apart (the testbed script
 * answers JSON on stdout and logs on stderr) and an optional environment. A command that
 * overruns is killed with its descendants, by pid ({@link Processes#killTree}).
 */
public final class Exec {
  private Exec() {}

  /** Exit status (-1: killed after the timeout, -2: could not start), stdout, stderr. */
  public record Out(int status, String stdout, String stderr, Duration elapsed) {
    public boolean ok() {
      return status == 0;
    }

    /** stdout and stderr together, for error messages. */
    public String both() {
      String o = stdout.strip();
      String e = stderr.strip();
      return o.isEmpty() ? e : e.isEmpty() ? o : o + "\n" + e;
    }
  }

  static Out run(Duration timeout, Map<String, String> env, List<String> command) {
    long t0 = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Out(-2, "", String.valueOf(e.getMessage()), Duration.ofNanos(System.nanoTime() - t0));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread ro = drain(p.getInputStream(), out, command.get(0) + "-out");
    Thread re = drain(p.getErrorStream(), err, command.get(0) + "-err");
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      Processes.killTree(p.toHandle(), Duration.ofSeconds(2));
    }
    // A daemon the command started may hold the pipes open: do not wait for EOF for long.
    join(ro, 2000);
    join(re, 2000);
    String stdout;
    String stderr;
    synchronized (out) {
      stdout = out.toString(StandardCharsets.UTF_8);
    }
    synchronized (err) {
      stderr = err.toString(StandardCharsets.UTF_8)
          + (finished ? "" : "\n[killed after " + timeout.toMillis() + " ms]");
    }
    return new Out(finished ? p.exitValue() : -1, stdout, stderr,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  static Out run(Duration timeout, String... command) {
    return run(timeout, null, List.of(command));
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (sink) {
            sink.write(buf, 0, n);
          }
        }
      } catch (IOException ignored) {
        // process ended or was killed
      }
    }, "exec-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends SIGINT to a process by its pid (what Ctrl-C does: ping and tcpdump then report). */
  static void interrupt(Process p) {
    if (p.isAlive()) {
      Processes.run(Duration.ofSeconds(5), "kill", "-INT", Long.toString(p.pid()));
    }
  }

  /** Waits (bounded) for a process to end after SIGINT; kills it and its children if not. */
  static void stop(Process p, Duration grace) {
    interrupt(p);
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.killTree(p.toHandle(), Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Processes.killTree(p.toHandle(), Duration.ofSeconds(1));
    }
  }
}
