package dev.weft.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.console.Console;
import dev.weft.console.ConsoleSettings;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.DatapathId;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: what a switch (or a host behind it) sends that is wrong is counted per switch and
 * visible where an operator looks: {@code GET /api/v1/switches/DPID} ({@code counters.peer-faults})
 * and {@code /metrics} ({@code weft_switch_peer_faults_total{dpid,kind}}). The switch that sends
 * it stays connected; its neighbour's counts stay at 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerFaultsVisibleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void truncatedFramesAreCountedPerSwitchInRestAndMetrics() throws Exception {
        Console console = new Console(ConsoleSettings.DEFAULTS);
        RestEndpoint rest = new RestEndpoint(new RestSettings(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                false), List.of(console));
        try (Controller c = Controller.builder(ControllerSettings.builder()
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("learning-switch"))
                        .dispatchThreads(1).build()).extension(console).extension(rest).start();
             RawSwitch bad = new RawSwitch(c.openflowAddresses().get(0), 7).handshake();
             RawSwitch good = new RawSwitch(c.openflowAddresses().get(0), 8).handshake()) {
            String base = "http://127.0.0.1:" + rest.address().getPort();
            CbenchPacketTest.awaitConnected(c, DatapathId.of(7));
            CbenchPacketTest.awaitConnected(c, DatapathId.of(8));
            int sent = 5;
            for (int i = 0; i < sent; i++) {
                bad.send(truncatedIpv4PacketIn(bad.nextXid()));
            }
            // Messages of one connection are handled in order: once an echo sent after them is
            // answered, the packet-ins have been handled.
            assertTrue(bad.echoes(), "the switch that sent them is still served");
            assertTrue(good.echoes(), "its neighbour too");

            JsonNode faults = get(base + "/api/v1/switches/0x7").path("counters").path("peer-faults");
            assertEquals(sent, faults.path("unparsed-frame").asLong(), faults::toString);
            assertEquals(0, faults.path("broken-framing").asLong(), faults::toString);
            JsonNode neighbour = get(base + "/api/v1/switches/0x8").path("counters").path("peer-faults");
            assertEquals(0, neighbour.path("unparsed-frame").asLong(), neighbour::toString);
            assertEquals(1, get(base + "/api/v1/switches/0x7").path("counters").path("connections").asLong(),
                    "no reconnect");

            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String line = metrics.lines()
                    .filter(l -> l.startsWith("weft_switch_peer_faults_total{") && l.contains("00:00:00:00:00:00:00:07")
                            && l.contains("kind=\"unparsed-frame\""))
                    .findFirst().orElseThrow(() -> new AssertionError("no peer-fault series for 0x7 in\n" + metrics));
            assertEquals(sent, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), line);
            assertTrue(metrics.lines().noneMatch(l -> l.startsWith("weft_switch_peer_faults_total{")
                    && l.contains("00:00:00:00:00:00:00:08")), "no series for a switch without faults");
        }
    }

    /** cbench's PACKET_IN with the IPv4 header cut after 10 bytes (the frame ends inside it). */
    private static byte[] truncatedIpv4PacketIn(int xid) {
        byte[] full = RawSwitch.cbenchPacketIn(xid, -1, 1, 7);
        int length = 18 + 14 + 10;
        byte[] cut = java.util.Arrays.copyOf(full, length);
        ByteBuffer.wrap(cut).putShort(2, (short) length).putShort(12, (short) (14 + 10));
        return cut;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
