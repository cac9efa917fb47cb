package dev.weft.ovs;

import java.time.Duration;
import java.util.Map;

/**
 * Outcome of Mininet's pingAll/ping: ICMP echo requests sent and answered, Mininet's own
 * "dropped" percentage, and Mininet's raw output (e.g. "h1 -> h2 h3 h4 ... *** Results: 0%
 * dropped (12/12 received)"), kept verbatim for reports.
 */
public record PingResult(int sent, int received, double droppedPercent, String raw,
    Duration elapsed) {

  /** True when at least one ping was sent and every one was answered. */
  public boolean allReceived() {
    return sent > 0 && received == sent;
  }

  static PingResult fromReply(Map<String, Object> r) {
    return new PingResult(((Number) r.get("sent")).intValue(),
        ((Number) r.get("received")).intValue(),
        ((Number) r.get("dropped_pct")).doubleValue(), (String) r.get("raw"),
        Duration.ofMillis(((Number) r.getOrDefault("elapsed_ms", 0L)).longValue()));
  }

  @Override
  public String toString() {
    return String.format("%d/%d received (%.0f%% dropped) in %d ms%n%s", received, sent,
        droppedPercent, elapsed.toMillis(), raw.stripTrailing());
  }
}
