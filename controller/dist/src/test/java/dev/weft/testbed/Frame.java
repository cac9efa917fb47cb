package dev.weft.testbed;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One frame seen by {@link Capture} ({@code tcpdump -n -e -tt}): arrival time (epoch
 * microseconds), source and destination MAC, EtherType as tcpdump names it (ARP, IPv4, 802.1Q,
 * ...) and tcpdump's one-line description, e.g. "Request who-has 10.0.1.12 tell 10.0.1.11".
 */
public record Frame(long atMicros, String src, String dst, String ethertype, int length,
    String summary, String line) {
  private static final Pattern LINE = Pattern.compile(
      "^(\\d+)\\.(\\d+) ([0-9a-f:]{17}) > ([0-9a-f:]{17}), ethertype (\\S+) \\(0x[0-9a-f]+\\),"
          + " length (\\d+): (.*)$");

  public boolean isBroadcast() {
    return "ff:ff:ff:ff:ff:ff".equals(dst);
  }

  /** Multicast or broadcast destination (group bit set). */
  public boolean isMulticast() {
    return dst != null && (Integer.parseInt(dst.substring(0, 2), 16) & 1) == 1;
  }

  public boolean isArp() {
    return "ARP".equals(ethertype);
  }

  static Optional<Frame> parse(String line) {
    Matcher m = LINE.matcher(line.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String frac = (m.group(2) + "000000").substring(0, 6);
    return Optional.of(new Frame(Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(frac),
        m.group(3), m.group(4), m.group(5), Integer.parseInt(m.group(6)), m.group(7),
        line.strip()));
  }

  @Override
  public String toString() {
    return line;
  }
}
