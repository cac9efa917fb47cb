package dev.weft.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outcome of one {@code ping} run inside a VM: echo requests sent and answered, the round-trip
 * time of every answer (ms, in arrival order) and ping's raw output, kept for reports.
 */
public record PingStats(int sent, int received, List<Double> rttsMs, String raw) {
  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
  private static final Pattern REPLY =
      Pattern.compile("bytes from [^:]+: icmp_seq=(\\d+) ttl=\\d+ time=([0-9.]+) ms(.*)$");

  public PingStats {
    rttsMs = List.copyOf(rttsMs);
  }

  public double lossPercent() {
    return sent == 0 ? 100.0 : 100.0 * (sent - received) / sent;
  }

  /** At least one request sent and every one answered. */
  public boolean allReceived() {
    return sent > 0 && received == sent;
  }

  public double maxRttMs() {
    return rttsMs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  public double avgRttMs() {
    return rttsMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Parses iputils ping output (duplicates are not counted as answers). */
  static PingStats parse(String raw) {
    List<Double> rtts = new ArrayList<>();
    int sent = 0;
    int received = 0;
    for (String line : raw.split("\n")) {
      Matcher r = REPLY.matcher(line);
      if (r.find() && !r.group(3).contains("DUP!")) {
        rtts.add(Double.parseDouble(r.group(2)));
      }
      Matcher s = SUMMARY.matcher(line);
      if (s.find()) {
        sent = Integer.parseInt(s.group(1));
        received = Integer.parseInt(s.group(2));
      }
    }
    return new PingStats(sent, received, rtts, raw);
  }

  @Override
  public String toString() {
    return String.format("%d/%d received (%.0f%% loss)%n%s", received, sent, lossPercent(),
        raw.stripTrailing());
  }
}
