package dev.weft.ovs;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small, always time-bounded process helpers. Processes are only ever killed by their pid. */
public final class Processes {
  private Processes() {}

  /** Exit status and combined stdout+stderr of a finished command; status -1 on timeout. */
  public record Result(int status, String output) {
    public boolean ok() {
      return status == 0;
    }
  }

  /** Runs a command with stdin closed, killing it (and its children) after the timeout. */
  public static Result run(Duration timeout, String... command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(-2, e.getMessage());
    }
    // Read output on a side thread so a chatty command cannot block on a full pipe.
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (out) {
            out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException ignored) {
        // process killed
      }
    }, "proc-reader-" + command[0]);
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      killTree(p.toHandle(), Duration.ofSeconds(2));
    }
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (out) {
      return new Result(finished ? p.exitValue() : -1,
          out + (finished ? "" : "\n[killed after " + timeout.toMillis() + " ms]"));
    }
  }

  /**
   * Ends a process and its descendants, by pid: SIGTERM first, then SIGKILL for whatever is
   * still alive after {@code grace}.
   */
  public static void killTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>();
    root.descendants().forEach(all::add);
    all.add(0, root);
    root.destroy();
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      root.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // still alive, or interrupted: escalate below
    }
    for (ProcessHandle h : all) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (h.isAlive()) {
        try {
          h.onExit().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        } catch (Exception ignored) {
          // escalate
        }
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  /** An executable on PATH (or in the sbin directories root normally has), if any. */
  public static Optional<Path> which(String name) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The last {@code lines} lines of a text file, for error messages; "" if unreadable. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
