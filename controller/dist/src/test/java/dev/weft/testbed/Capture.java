package dev.weft.testbed;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpdump} on one interface inside a testbed namespace (a VM's eth0, or a hypervisor's
 * port), started and ready (tcpdump said "listening on") when the constructor returns.
 * {@link #stop()} ends it with SIGINT and returns the frames it saw. Bounded: at most {@code
 * maxFrames} frames ({@code -c}), and {@link Testbed#close()} stops any still running.
 */
public final class Capture implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(5);
  private final String where;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder err = new StringBuilder();
  private final CountDownLatch listening = new CountDownLatch(1);
  private final Thread outReader;
  private final Thread errReader;
  private List<Frame> frames;

  Capture(String where, String namespace, String iface, String filter, boolean inboundOnly,
      int maxFrames) {
    this.where = where + ":" + iface;
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "tcpdump",
        "-i", iface, "-n", "-e", "-l", "-tt", "--immediate-mode", "-c",
        Integer.toString(maxFrames)));
    if (inboundOnly) {
      cmd.addAll(List.of("-Q", "in"));
    }
    if (filter != null && !filter.isBlank()) {
      cmd.add(filter);
    }
    try {
      process = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new TestbedException("cannot start tcpdump in " + this.where + ": " + e.getMessage(),
          e);
    }
    outReader = reader(process, false);
    errReader = reader(process, true);
    boolean ready;
    try {
      ready = listening.await(READY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready = false;
    }
    if (!ready || !errText().contains("listening on")) {
      stop();
      throw new TestbedException("tcpdump in " + this.where + " did not start listening within "
          + READY.toSeconds() + " s: " + errText().strip());
    }
  }

  private Thread reader(Process p, boolean stderr) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          stderr ? p.getErrorStream() : p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (stderr) {
            synchronized (err) {
              err.append(line).append('\n');
            }
            if (line.startsWith("listening on")) {
              listening.countDown();
            }
          } else {
            synchronized (lines) {
              lines.add(line);
            }
          }
        }
      } catch (IOException ignored) {
        // ended
      } finally {
        if (stderr) {
          listening.countDown(); // ended before listening: the constructor reports it
        }
      }
    }, "tcpdump-" + where + (stderr ? "-err" : ""));
    t.setDaemon(true);
    t.start();
    return t;
  }

  private String errText() {
    synchronized (err) {
      return err.toString();
    }
  }

  /** Frames seen so far, while it runs. */
  public List<Frame> framesSoFar() {
    synchronized (lines) {
      return lines.stream().map(Frame::parse).flatMap(java.util.Optional::stream).toList();
    }
  }

  /** Stops tcpdump (SIGINT, bounded wait, then kill) and returns every frame it saw. */
  public synchronized List<Frame> stop() {
    if (frames == null) {
      Exec.stop(process, Duration.ofSeconds(3));
      Exec.join(outReader, 3000);
      Exec.join(errReader, 3000);
      frames = framesSoFar();
    }
    return frames;
  }

  /** tcpdump's stderr (its "N packets captured" report after stop). */
  public String report() {
    return errText();
  }

  @Override
  public void close() {
    stop();
  }
}
