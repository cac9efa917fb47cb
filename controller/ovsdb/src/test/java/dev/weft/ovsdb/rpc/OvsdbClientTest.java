package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.ovsdb.testing.OvsdbServerProcess;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a real {@code ovsdb-server} (a fresh Open_vSwitch database in a temporary
 * directory, on a unix socket and on a TCP port of 127.0.0.1), cross-checked with Open vSwitch's
 * own {@code ovs-vsctl}.
 */
class OvsdbClientTest {
    private static EventLoopGroup group;
    private OvsdbServerProcess server;
    private OvsdbClient client;

    @BeforeAll
    static void group() {
        group = OvsdbClient.newGroup(1, new DefaultThreadFactory("weft-ovsdb-test", true));
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws Exception {
        server = OvsdbServerProcess.start(true);
        client = OvsdbClient.connect(OvsdbAddress.unix(server.socket()), OvsdbClient.Options.defaults(), group).join();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String bridgeRoot(OvsdbClient c) {
        JsonNode rows = c.transact("Open_vSwitch", List.of(Ops.select("Open_vSwitch", List.of(), List.of("_uuid"))))
                .join().get(0).get("rows");
        return Values.uuidOf(rows.get(0).get("_uuid"));
    }

    /** Insert a bridge (and its port and interface) and add it to the root row, as ovs-vsctl add-br does. */
    private static List<ObjectNode> addBridge(String root, String name, String failMode) {
        return List.of(
                Ops.insert("Interface", Ops.row(Map.of("name", text(name), "type", text("internal"))), "i"),
                Ops.insert("Port", Ops.row(Map.of("name", text(name), "interfaces", Values.namedUuid("i"))), "p"),
                Ops.insert("Bridge", Ops.row(Map.of("name", text(name), "ports", Values.namedUuid("p"),
                        "fail_mode", text(failMode), "other_config", Values.map(Map.of("disable-in-band", "true")))), "b"),
                Ops.mutate("Open_vSwitch", Ops.byUuid(root), List.of(Ops.mutation("bridges", "insert",
                        Values.set(List.of(Values.namedUuid("b")))))));
    }

    private static JsonNode text(String s) {
        return OvsdbClient.JSON.textNode(s);
    }

    @Test
    void echoAndListDbs() {
        assertEquals("[\"weft\"]", client.echo().join().toString());
        assertTrue(client.listDbs().join().contains("Open_vSwitch"), "the server's databases");
        JsonNode schema = client.getSchema("Open_vSwitch").join();
        assertTrue(schema.path("tables").has("Bridge"), "the schema has the Bridge table");
    }

    @Test
    void aTransactionIsWhatOvsVsctlThenSees() throws Exception {
        String root = bridgeRoot(client);
        client.transact("Open_vSwitch", addBridge(root, "br-t", "secure")).join();
        assertEquals("br-t", server.vsctl("list-br"));
        assertEquals("secure", server.vsctl("get", "bridge", "br-t", "fail_mode"));
        assertEquals("\"true\"", server.vsctl("get", "bridge", "br-t", "other_config:disable-in-band"));
    }

    @Test
    void aFailedOperationFailsTheWholeTransaction() throws Exception {
        String root = bridgeRoot(client);
        List<ObjectNode> ops = new java.util.ArrayList<>(addBridge(root, "br-bad", "secure"));
        ops.add(Ops.insert("Bridge", Ops.row(Map.of("no_such_column", text("x"))), null));
        CompletionException e = assertThrows(CompletionException.class,
                () -> client.transact("Open_vSwitch", ops).join());
        OvsdbException o = assertInstanceOf(OvsdbException.class, e.getCause());
        assertTrue(o.getMessage().contains("operation 4 (insert Bridge)"), o.getMessage());
        assertEquals("", server.vsctl("list-br"), "nothing of the failed transaction was committed");
        // The connection is still good.
        assertEquals("[\"weft\"]", client.echo().join().toString());
    }

    @Test
    void aMonitorSeesTheInitialRowsThenEveryChangeOtherClientsMake() throws Exception {
        client.transact("Open_vSwitch", addBridge(bridgeRoot(client), "br-a", "secure")).join();
        BlockingQueue<JsonNode> updates = new LinkedBlockingQueue<>();
        ObjectNode req = OvsdbClient.JSON.objectNode();
        req.putObject("Bridge").putArray("columns").add("name").add("fail_mode");
        JsonNode initial = client.monitor("Open_vSwitch", "m1", req, updates::add).join();
        assertEquals(List.of("br-a"), names(initial));

        server.vsctl("add-br", "br-b");
        JsonNode u = updates.poll(30, TimeUnit.SECONDS);
        assertNotNull(u, "an update for the bridge ovs-vsctl added");
        assertEquals(List.of("br-b"), names(u));
        JsonNode row = u.get("Bridge").elements().next();
        assertTrue(row.has("new") && !row.has("old"), "an insertion: " + row);

        server.vsctl("set", "bridge", "br-a", "fail_mode=standalone");
        u = updates.poll(30, TimeUnit.SECONDS);
        assertNotNull(u, "an update for the fail mode changed by hand");
        JsonNode change = u.get("Bridge").elements().next();
        assertEquals("standalone", change.get("new").get("fail_mode").asText());
        assertEquals("secure", change.get("old").get("fail_mode").asText(), "the old value of what changed");

        client.monitorCancel("m1").join();
        server.vsctl("del-br", "br-b");
        assertEquals("[\"weft\"]", client.echo().join().toString());
        assertTrue(updates.isEmpty(), "no update after the monitor was cancelled: " + updates);
    }

    private static List<String> names(JsonNode tableUpdates) {
        List<String> out = new java.util.ArrayList<>();
        tableUpdates.path("Bridge").forEach(r -> out.add(r.path("new").path("name").asText()));
        return out;
    }

    @Test
    void overTcpToo() throws Exception {
        try (OvsdbClient tcp = OvsdbClient.connect(OvsdbAddress.parse("tcp:127.0.0.1:" + server.tcpPort()),
                OvsdbClient.Options.defaults(), group).join()) {
            tcp.transact("Open_vSwitch", addBridge(bridgeRoot(tcp), "br-tcp", "secure")).join();
            assertEquals("br-tcp", server.vsctl("list-br"));
        }
    }

    @Test
    void aServerThatDiesClosesTheClientAndItsRequestsFail() throws Exception {
        server.kill();
        assertNotNull(client.closed().get(30, TimeUnit.SECONDS));
        CompletionException e = assertThrows(CompletionException.class, () -> client.echo().join());
        assertEquals("connection closed", assertInstanceOf(OvsdbException.class, e.getCause()).error());
    }

    @Test
    void connectingWhereNobodyListensFailsWithTheReason() {
        CompletionException e = assertThrows(CompletionException.class, () -> OvsdbClient.connect(
                OvsdbAddress.unix(server.dir().resolve("nobody.sock")), OvsdbClient.Options.defaults(), group).join());
        OvsdbException o = assertInstanceOf(OvsdbException.class, e.getCause());
        assertEquals("connect failed", o.error());
        assertTrue(o.getMessage().contains("nobody.sock"), o.getMessage());
    }
}
