package dev.weft.testbed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-packet result of a {@link BackgroundPing}: for every echo request (icmp_seq 1..sent),
 * whether it was answered, its round-trip time, and when it was sent (wall clock, microseconds
 * since the epoch: the same clock as {@link Instant#now()}, so it can be compared with the time
 * of an event such as a migration).
 *
 * <p>Send times: for an answered request, ping's {@code -D} arrival time minus the RTT; for an
 * unanswered one, ping's "no answer yet" line (printed when the next request goes out) minus one
 * interval, or else interpolated from the nearest known request; accurate to about a
 * millisecond, which is what loss "around an event" needs.
 */
public record PingTrace(List<Probe> probes, long intervalMicros, String raw) {
  private static final Pattern STAMP = Pattern.compile("^\\[(\\d+)\\.(\\d+)\\]\\s*(.*)$");
  private static final Pattern REPLY =
      Pattern.compile("bytes from [^:]+: icmp_seq=(\\d+) ttl=\\d+ time=([0-9.]+) ms(.*)$");
  private static final Pattern NO_ANSWER = Pattern.compile("no answer yet for icmp_seq=(\\d+)");
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted");

  /**
   * One echo request: sequence number, answered?, RTT in ms (NaN if not answered), send and
   * answer times in epoch microseconds (answer 0 if none), duplicates seen.
   */
  public record Probe(int seq, boolean received, double rttMs, long sentAtMicros,
      long answeredAtMicros, int duplicates) {
    public Instant sentAt() {
      return Instant.ofEpochSecond(sentAtMicros / 1_000_000, (sentAtMicros % 1_000_000) * 1000);
    }
  }

  public PingTrace {
    probes = List.copyOf(probes);
  }

  public int sent() {
    return probes.size();
  }

  /**
   * This trace without the requests sent after {@code cutoff}, unanswered ones included: a
   * request sent just before ping was stopped may still have been on its way, and is neither
   * answered nor lost.
   */
  public PingTrace sentUntil(Instant cutoff) {
    long c = cutoff.getEpochSecond() * 1_000_000 + cutoff.getNano() / 1000;
    return new PingTrace(probes.stream().filter(p -> p.received() || p.sentAtMicros() <= c).toList(),
        intervalMicros, raw);
  }

  public int received() {
    return (int) probes.stream().filter(Probe::received).count();
  }

  public int lost() {
    return sent() - received();
  }

  public double lossPercent() {
    return sent() == 0 ? 100.0 : 100.0 * lost() / sent();
  }

  public List<Integer> lostSeqs() {
    return probes.stream().filter(p -> !p.received()).map(Probe::seq).toList();
  }

  /** Requests sent in [from, to] that were not answered. */
  public int lostBetween(Instant from, Instant to) {
    long a = micros(from);
    long b = micros(to);
    return (int) probes.stream()
        .filter(p -> !p.received() && p.sentAtMicros() >= a && p.sentAtMicros() <= b).count();
  }

  /** Requests sent in [from, to]. */
  public int sentBetween(Instant from, Instant to) {
    long a = micros(from);
    long b = micros(to);
    return (int) probes.stream()
        .filter(p -> p.sentAtMicros() >= a && p.sentAtMicros() <= b).count();
  }

  /** Requests sent at or after {@code from} that were not answered. */
  public int lostAfter(Instant from) {
    return lostBetween(from, Instant.ofEpochSecond(Long.MAX_VALUE / 2_000_000));
  }

  /** The longest run of consecutive unanswered requests. */
  public int longestLossRun() {
    int best = 0;
    int run = 0;
    for (Probe p : probes) {
      run = p.received() ? 0 : run + 1;
      best = Math.max(best, run);
    }
    return best;
  }

  /**
   * The longest outage: from the first request of the longest unanswered run to the next
   * answered request (or the last request sent); zero when nothing was lost.
   */
  public Duration longestOutage() {
    long best = 0;
    for (int i = 0; i < probes.size(); i++) {
      if (probes.get(i).received()) {
        continue;
      }
      int j = i;
      while (j < probes.size() && !probes.get(j).received()) {
        j++;
      }
      long end = j < probes.size() ? probes.get(j).sentAtMicros()
          : probes.get(j - 1).sentAtMicros() + intervalMicros;
      best = Math.max(best, end - probes.get(i).sentAtMicros());
      i = j;
    }
    return Duration.ofNanos(best * 1000);
  }

  /** The first answered request sent at or after {@code t}, if any. */
  public java.util.Optional<Probe> firstAnsweredAfter(Instant t) {
    long m = micros(t);
    return probes.stream().filter(p -> p.received() && p.sentAtMicros() >= m).findFirst();
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  /** Parses the output of {@code ping -D -O -i INTERVAL} (iputils), stopped with SIGINT. */
  static PingTrace parse(String raw, long intervalMicros) {
    Map<Integer, double[]> replies = new TreeMap<>(); // seq -> {rtt, at}
    Map<Integer, Integer> dups = new TreeMap<>();
    Map<Integer, Long> noAnswer = new TreeMap<>();
    int transmitted = -1;
    int maxSeq = 0;
    for (String line : raw.split("\n")) {
      Matcher st = STAMP.matcher(line.strip());
      long at = 0;
      String rest = line;
      if (st.matches()) {
        String frac = (st.group(2) + "000000").substring(0, 6);
        at = Long.parseLong(st.group(1)) * 1_000_000 + Long.parseLong(frac);
        rest = st.group(3);
      }
      Matcher r = REPLY.matcher(rest);
      if (r.find()) {
        int seq = Integer.parseInt(r.group(1));
        maxSeq = Math.max(maxSeq, seq);
        if (r.group(3).contains("DUP!") || replies.containsKey(seq)) {
          dups.merge(seq, 1, Integer::sum);
        } else {
          replies.put(seq, new double[] {Double.parseDouble(r.group(2)), at});
        }
        continue;
      }
      Matcher n = NO_ANSWER.matcher(rest);
      if (n.find()) {
        int seq = Integer.parseInt(n.group(1));
        maxSeq = Math.max(maxSeq, seq);
        noAnswer.putIfAbsent(seq, at - intervalMicros);
        continue;
      }
      Matcher s = SUMMARY.matcher(rest);
      if (s.find()) {
        transmitted = Integer.parseInt(s.group(1));
      }
    }
    int n = transmitted >= 0 ? Math.max(transmitted, 0) : maxSeq;
    // ping counts 16-bit sequence numbers; runs here are far shorter than 65535 requests
    long[] sentAt = new long[n + 1];
    boolean[] known = new boolean[n + 1];
    for (int seq = 1; seq <= n; seq++) {
      double[] rep = replies.get(seq);
      if (rep != null && rep[1] > 0) {
        sentAt[seq] = (long) rep[1] - Math.round(rep[0] * 1000);
        known[seq] = true;
      } else if (noAnswer.containsKey(seq) && noAnswer.get(seq) > 0) {
        sentAt[seq] = noAnswer.get(seq);
        known[seq] = true;
      }
    }
    for (int seq = 1; seq <= n; seq++) {
      if (known[seq]) {
        continue;
      }
      int prev = seq - 1;
      while (prev >= 1 && !known[prev]) {
        prev--;
      }
      int next = seq + 1;
      while (next <= n && !known[next]) {
        next++;
      }
      if (prev >= 1) {
        sentAt[seq] = sentAt[prev] + (seq - prev) * intervalMicros;
      } else if (next <= n) {
        sentAt[seq] = sentAt[next] - (next - seq) * intervalMicros;
      }
    }
    List<Probe> probes = new ArrayList<>(n);
    for (int seq = 1; seq <= n; seq++) {
      double[] rep = replies.get(seq);
      probes.add(new Probe(seq, rep != null, rep != null ? rep[0] : Double.NaN, sentAt[seq],
          rep != null ? (long) rep[1] : 0, dups.getOrDefault(seq, 0)));
    }
    return new PingTrace(probes, intervalMicros, raw);
  }

  @Override
  public String toString() {
    return String.format("%d/%d answered (%.1f%% loss), lost seqs %s, longest outage %d ms",
        received(), sent(), lossPercent(), compact(lostSeqs()), longestOutage().toMillis());
  }

  /** 3,4,5,9 -> "3-5,9". */
  static String compact(List<Integer> seqs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < seqs.size(); i++) {
      int j = i;
      while (j + 1 < seqs.size() && seqs.get(j + 1) == seqs.get(j) + 1) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(seqs.get(i));
      if (j > i) {
        sb.append('-').append(seqs.get(j));
      }
      i = j;
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }
}
