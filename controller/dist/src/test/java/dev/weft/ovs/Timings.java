package dev.weft.ovs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Wall-clock time of each step of a real-switch test, printed as one "[ovs-timing]" line. */
public final class Timings {
  /** A step that returns something. */
  public interface Step<T> {
    T get() throws Exception;
  }

  /** A step that returns nothing. */
  public interface Action {
    void run() throws Exception;
  }

  private final String title;
  private final Map<String, String> steps = new LinkedHashMap<>();

  public Timings(String title) {
    this.title = title;
  }

  public <T> T get(String step, Step<T> s) throws Exception {
    long t0 = System.nanoTime();
    try {
      return s.get();
    } finally {
      steps.put(step, (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }

  public void run(String step, Action r) throws Exception {
    get(step, () -> {
      r.run();
      return null;
    });
  }

  public void note(String what, String value) {
    steps.put(what, value);
  }

  public void print() {
    System.out.println("[ovs-timing] " + title + ": " + steps.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
  }
}
