package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's parsers, on ping and tcpdump output as this machine's tools print it. */
class TestbedParsingTest {

  @Test
  void pingStats() {
    String raw = """
        PING 10.0.1.12 (10.0.1.12) 56(84) bytes of data.
        64 bytes from 10.0.1.12: icmp_seq=1 ttl=64 time=1.12 ms
        64 bytes from 10.0.1.12: icmp_seq=2 ttl=64 time=0.585 ms
        64 bytes from 10.0.1.12: icmp_seq=2 ttl=64 time=0.600 ms (DUP!)

        --- 10.0.1.12 ping statistics ---
        3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 818ms
        rtt min/avg/max/mdev = 0.557/1.627/5.314/1.855 ms
        """;
    PingStats s = PingStats.parse(raw);
    assertEquals(3, s.sent());
    assertEquals(2, s.received());
    assertEquals(List.of(1.12, 0.585), s.rttsMs());
    assertFalse(s.allReceived());
    assertEquals(100.0 / 3, s.lossPercent(), 1e-9);
    PingStats none = PingStats.parse("""
        PING 10.0.1.12 (10.0.1.12) 56(84) bytes of data.

        --- 10.0.1.12 ping statistics ---
        2 packets transmitted, 0 received, 100% packet loss, time 1031ms
        """);
    assertEquals(2, none.sent());
    assertEquals(0, none.received());
  }

  @Test
  void pingTraceCountsLossAroundAnEvent() {
    // 10 ms interval; seq 3-5 unanswered (4 and 5 reported by -O, 3 not), 8 is the last
    String raw = """
        PING 10.0.1.12 (10.0.1.12) 56(84) bytes of data.
        [1700000000.000500] 64 bytes from 10.0.1.12: icmp_seq=1 ttl=64 time=0.500 ms
        [1700000000.010500] 64 bytes from 10.0.1.12: icmp_seq=2 ttl=64 time=0.500 ms
        [1700000000.040000] no answer yet for icmp_seq=4
        [1700000000.050000] no answer yet for icmp_seq=5
        [1700000000.050400] 64 bytes from 10.0.1.12: icmp_seq=6 ttl=64 time=0.400 ms
        [1700000000.060300] 64 bytes from 10.0.1.12: icmp_seq=7 ttl=64 time=0.300 ms
        [1700000000.070300] 64 bytes from 10.0.1.12: icmp_seq=8 ttl=64 time=0.300 ms
        [1700000000.070310] 64 bytes from 10.0.1.12: icmp_seq=8 ttl=64 time=0.310 ms (DUP!)

        --- 10.0.1.12 ping statistics ---
        8 packets transmitted, 5 received, +1 duplicates, 37.5% packet loss, time 70ms
        """;
    PingTrace t = PingTrace.parse(raw, 10_000);
    assertEquals(8, t.sent());
    assertEquals(5, t.received());
    assertEquals(List.of(3, 4, 5), t.lostSeqs());
    assertEquals(3, t.longestLossRun());
    assertEquals(1_700_000_000_000_000L, t.probes().get(0).sentAtMicros());
    assertEquals(1_700_000_000_020_000L, t.probes().get(2).sentAtMicros()); // interpolated
    assertEquals(1_700_000_000_030_000L, t.probes().get(3).sentAtMicros()); // from -O
    assertEquals(1, t.probes().get(7).duplicates());
    assertEquals(Duration.ofMillis(30), t.longestOutage());
    Instant a = Instant.ofEpochSecond(1_700_000_000L, 15_000_000);
    Instant b = Instant.ofEpochSecond(1_700_000_000L, 45_000_000);
    assertEquals(3, t.lostBetween(a, b));
    assertEquals(3, t.sentBetween(a, b));
    assertEquals(0, t.lostAfter(Instant.ofEpochSecond(1_700_000_000L, 45_000_000)));
    assertEquals(6, t.firstAnsweredAfter(a.plusMillis(10)).orElseThrow().seq());
    assertEquals("3-5", PingTrace.compact(t.lostSeqs()));
    assertEquals("1,3-4,9", PingTrace.compact(List.of(1, 3, 4, 9)));
  }

  @Test
  void tcpdumpFrames() {
    Frame arp = Frame.parse("1763708608.179459 02:00:0a:00:01:0c > ff:ff:ff:ff:ff:ff, "
        + "ethertype ARP (0x0806), length 58: Request who-has 10.0.1.12 (ff:ff:ff:ff:ff:ff) "
        + "tell 10.0.1.12, length 44").orElseThrow();
    assertEquals(1_763_708_608_179_459L, arp.atMicros());
    assertEquals("02:00:0a:00:01:0c", arp.src());
    assertTrue(arp.isBroadcast() && arp.isMulticast() && arp.isArp());
    assertEquals(58, arp.length());
    assertTrue(arp.summary().startsWith("Request who-has 10.0.1.12"));
    Frame icmp = Frame.parse("1763708608.2 02:00:0a:00:01:0b > 02:00:0a:00:01:0c, ethertype "
        + "IPv4 (0x0800), length 98: 10.0.1.11 > 10.0.1.12: ICMP echo request, id 1, seq 1, "
        + "length 64").orElseThrow();
    assertEquals(1_763_708_608_200_000L, icmp.atMicros());
    assertFalse(icmp.isMulticast());
    assertEquals("IPv4", icmp.ethertype());
    assertTrue(Frame.parse("listening on eth0, link-type EN10MB (Ethernet)").isEmpty());
  }
}
