package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's JSON-RPC handling over an embedded channel: what a server may send, good and bad. */
class RpcHandlerTest {
    private EmbeddedChannel ch;
    private OvsdbClient client;

    @BeforeEach
    void setUp() {
        ch = new EmbeddedChannel();
        client = OvsdbClient.attach(ch, OvsdbAddress.unix(Path.of("/test.sock")), OvsdbClient.Options.defaults());
    }

    private void in(String json) {
        ch.writeInbound(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    private JsonNode out() throws Exception {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return JsonCodec.MAPPER.readTree(b.toString(StandardCharsets.UTF_8));
        } finally {
            b.release();
        }
    }

    @Test
    void theServersEchoIsAnsweredWithItsIdAndParams() throws Exception {
        in("{\"id\":\"echo\",\"method\":\"echo\",\"params\":[1,\"x\"]}");
        JsonNode r = out();
        assertEquals("echo", r.get("id").asText());
        assertEquals("[1,\"x\"]", r.get("result").toString());
        assertTrue(r.get("error").isNull());
    }

    @Test
    void repliesFindTheirRequestsInAnyOrderAndAcrossReadBoundaries() throws Exception {
        CompletableFuture<JsonNode> a = client.echo();
        CompletableFuture<JsonNode> b = client.listDbs().thenApply(l -> JsonCodec.MAPPER.valueToTree(l));
        long ida = out().get("id").asLong();
        long idb = out().get("id").asLong();
        String both = "{\"id\":" + idb + ",\"result\":[\"Open_vSwitch\"],\"error\":null}"
                + "{\"id\":" + ida + ",\"result\":[\"weft\"],\"error\":null}";
        // One message split in two reads, the second read completing it and carrying the next.
        int cut = 17;
        in(both.substring(0, cut));
        assertFalse(b.isDone(), "half a message is not a message");
        in(both.substring(cut));
        assertEquals("[\"Open_vSwitch\"]", b.join().toString());
        assertEquals("[\"weft\"]", a.join().toString());
    }

    @Test
    void anErrorReplyFailsItsRequestWithTheServersWords() throws Exception {
        CompletableFuture<JsonNode> f = client.call("get_schema", OvsdbClient.JSON.arrayNode().add("nope"));
        long id = out().get("id").asLong();
        in("{\"id\":" + id + ",\"result\":null,\"error\":{\"error\":\"unknown database\",\"details\":\"nope\"}}");
        CompletionException e = assertThrows(CompletionException.class, f::join);
        OvsdbException o = assertInstanceOf(OvsdbException.class, e.getCause());
        assertEquals("unknown database", o.error());
        assertEquals("nope", o.details());
    }

    @Test
    void updatesGoToTheirMonitorInOrderAndOthersAreIgnored() throws Exception {
        List<String> seen = new ArrayList<>();
        client.monitor("Open_vSwitch", "m", OvsdbClient.JSON.objectNode(), u -> seen.add(u.toString()));
        long id = out().get("id").asLong();
        in("{\"id\":" + id + ",\"result\":{},\"error\":null}");
        in("{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{\"n\":1}]}"
                + "{\"id\":null,\"method\":\"update\",\"params\":[\"other\",{\"n\":9}]}"
                + "{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{\"n\":2}]}"
                + "{\"id\":null,\"method\":\"update\",\"params\":\"garbage\"}");
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), seen);
        assertTrue(ch.isActive(), "odd notifications do not drop the connection");
    }

    @Test
    void aReplyToNoRequestIsIgnored() throws Exception {
        in("{\"id\":424242,\"result\":[],\"error\":null}{\"id\":\"weird\",\"result\":[],\"error\":null}");
        assertTrue(ch.isActive());
        assertNull(out());
    }

    @Test
    void anUnknownRequestFromTheServerIsRefusedNotIgnored() throws Exception {
        in("{\"id\":7,\"method\":\"lock\",\"params\":[]}");
        JsonNode r = out();
        assertEquals(7, r.get("id").asInt());
        assertEquals("unknown method", r.get("error").asText());
    }

    @Test
    void inputThatIsNotJsonClosesTheConnectionAndFailsWhatWaits() throws Exception {
        CompletableFuture<JsonNode> f = client.echo();
        out();
        ch.writeInbound(Unpooled.copiedBuffer("{\"id\":1,\"result\":[tru", StandardCharsets.UTF_8));
        ch.writeInbound(Unpooled.copiedBuffer("e!!]}", StandardCharsets.UTF_8));
        assertFalse(ch.isActive(), "a corrupt peer is dropped");
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertEquals("connection closed", assertInstanceOf(OvsdbException.class, e.getCause()).error());
        assertTrue(client.closed().isDone());
    }

    @Test
    void aJsonValueThatIsNotAnObjectClosesTheConnection() {
        ch.writeInbound(Unpooled.copiedBuffer("[1,2,3]", StandardCharsets.UTF_8));
        assertFalse(ch.isActive());
    }

    @Test
    void aMessageOverTheLimitClosesTheConnection() {
        client.close();
        ch = new EmbeddedChannel();
        var small = new OvsdbClient.Options(java.util.Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(5), 64);
        OvsdbClient.attach(ch, OvsdbAddress.unix(Path.of("/t")), small);
        ch.writeInbound(Unpooled.copiedBuffer("{\"id\":1,\"result\":\"" + "x".repeat(100) + "\"}",
                StandardCharsets.UTF_8));
        assertFalse(ch.isActive());
    }

    @Test
    void aSilentServerIsProbedThenDropped() throws Exception {
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        JsonNode probe = out();
        assertEquals("echo", probe.get("method").asText());
        assertTrue(ch.isActive(), "one silent interval: probed, still open");
        in("{\"id\":\"probe\",\"result\":[],\"error\":null}");
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertTrue(ch.isActive(), "it answered, so the next silence is probed again");
        out();
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertFalse(ch.isActive(), "two silent intervals in a row: dropped");
        assertTrue(client.closed().join().contains("no answer to an echo probe"), client.closed().join());
    }

    @Test
    void aRequestWithNoReplyTimesOut() {
        client.close();
        ch = new EmbeddedChannel();
        var quick = new OvsdbClient.Options(java.util.Optional.empty(), Duration.ofSeconds(1), Duration.ofMillis(1),
                Duration.ofSeconds(5), 1 << 20);
        OvsdbClient c = OvsdbClient.attach(ch, OvsdbAddress.unix(Path.of("/t")), quick);
        CompletableFuture<JsonNode> f = c.echo();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!f.isDone() && System.nanoTime() < deadline) {
            ch.runScheduledPendingTasks(); // the timeout is a task scheduled 1 ms ahead
            Thread.onSpinWait();
        }
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertEquals("timeout", assertInstanceOf(OvsdbException.class, e.getCause()).error());
        assertTrue(ch.isActive(), "a late reply is not a reason to drop the connection");
    }
}
