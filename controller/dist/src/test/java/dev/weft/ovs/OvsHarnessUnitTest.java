package dev.weft.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Harness logic that needs no Open vSwitch (runs everywhere). */
class OvsHarnessUnitTest {

  @Test
  void onlyTrueOrOneMakesOvsRequired() {
    assertTrue(OvsEnvironment.isRequired("true"));
    assertTrue(OvsEnvironment.isRequired("TRUE"));
    assertTrue(OvsEnvironment.isRequired(" 1 "));
    assertFalse(OvsEnvironment.isRequired(null));
    assertFalse(OvsEnvironment.isRequired(""));
    assertFalse(OvsEnvironment.isRequired("0"));
    assertFalse(OvsEnvironment.isRequired("false"));
    assertFalse(OvsEnvironment.isRequired("${env.WEFT_REQUIRE_OVS}"));
  }

  @Test
  void parsesDriverReplies() {
    Map<String, Object> r = Json.parseObject("{\"cmd\": \"pingall\", \"dropped_pct\": 0.0, "
        + "\"elapsed_ms\": 57, \"ok\": true, \"raw\": \"h1 -> h2 \\nh2 -> h1 \\n*** Results: 0% "
        + "dropped (2/2 received)\\n\", \"received\": 2, \"sent\": 2, \"seq\": 3, "
        + "\"x\": [null, false, -1.5e2, {}, [], \"\\u00e9\\\"\"]}");
    PingResult p = PingResult.fromReply(r);
    assertEquals(2, p.sent());
    assertTrue(p.allReceived());
    assertTrue(p.raw().contains("*** Results: 0% dropped (2/2 received)"));
    assertEquals(3L, r.get("seq"));
    assertEquals(java.util.Arrays.asList(null, false, -150.0, Map.of(), List.of(), "é\""),
        r.get("x"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1"));
  }

  @Test
  void quotesCommandWords() {
    assertEquals("s1", MininetSession.quote("s1"));
    assertEquals("--columns=name,is_connected", MininetSession.quote("--columns=name,is_connected"));
    assertEquals("'a b'", MininetSession.quote("a b"));
    assertEquals("'it'\"'\"'s'", MininetSession.quote("it's"));
    assertThrows(IllegalArgumentException.class, () -> MininetSession.quote("a\nquit"));
    assertTrue(MininetSession.randomPrefix().matches("w[a-z0-9]{4}"));
  }

  @Test
  void seesLoopbackListeners() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertTrue(Loopback.isListening(s.getLocalPort()));
    }
    int port = Loopback.freePort();
    assertFalse(Loopback.isListening(port));
  }
}
