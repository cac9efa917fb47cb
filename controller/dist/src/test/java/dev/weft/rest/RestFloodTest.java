package dev.weft.rest;

import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API under a slow-client flood with its default limits, as a controller runs it: 1,400
 * connections from seven addresses, each sending half a request and then nothing. The server
 * holds at most max-connections-per-client from each address (the rest are refused at once),
 * the process's file descriptors stay bounded, a switch that connects during the flood finishes
 * its handshake, another client's GET is answered, and every connection the flood kept is cut
 * off at the header deadline with a 408.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestFloodTest {
    private static final int ADDRESSES = 7;
    private static final int PER_ADDRESS = 200;

    @Test
    void aSwitchConnectsAndAClientIsAnsweredDuringASlowClientFlood(@TempDir Path dir) throws Exception {
        List<Socket> flood = new ArrayList<>();
        int threads;
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            RestServer server = f.controller.extension(RestEndpoint.class).orElseThrow().server();
            RestLimits limits = RestLimits.DEFAULTS;
            InetSocketAddress api = Http.apiOf(f.controller);

            // The peers, measured in the same run before the flood: a GET, and a switch's handshake
            // (after one to warm up: a switch that is not a transport node).
            timeHandshake(f, "sw3", "00:00:00:00:00:00:00:a3");
            long quietGet = timeGet(f.http);
            long quietHandshake = timeHandshake(f, "hv1", "00:00:00:00:00:00:00:a1");

            long fdsBefore = openFds();
            int threadsBefore = Thread.activeCount();
            for (int a = 0; a < ADDRESSES; a++) {
                InetAddress from = InetAddress.getByName("127.0.0." + (2 + a));
                for (int i = 0; i < PER_ADDRESS; i++) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(from, 0));
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.getPort()), 5_000);
                    s.setSoTimeout(60_000);
                    s.getOutputStream().write("GET /api/v1/tenants HTTP/1.1\r\nHost: x\r\n".getBytes(
                            StandardCharsets.US_ASCII));
                    flood.add(s);
                }
            }
            int attempts = flood.size();
            int held = ADDRESSES * limits.maxConnectionsPerClient();
            awaitTrue(() -> server.refusedConnections() == attempts - held);
            // Each address holds max-connections-per-client; the +1 is this test's own keep-alive client.
            assertTrue(server.openConnections() <= held + 1, server.openConnections() + " connections open");
            long serverFds = openFds() - fdsBefore - attempts;
            assertTrue(serverFds <= held + 16, "the controller holds " + serverFds + " more descriptors for "
                    + attempts + " connections (at most " + held + " are kept)");
            threads = Thread.activeCount() - threadsBefore;
            assertTrue(threads <= 2, "a connection costs no thread: " + threads + " more during the flood");

            // During the flood: a switch connects, and another client is answered.
            long floodHandshake = timeHandshake(f, "hv2", "00:00:00:00:00:00:00:a2");
            long floodGet = timeGet(f.http);
            Http.Resp switches = f.http.get("/api/v1/switches");
            assertEquals(200, switches.status());
            assertEquals(3, switches.body().size(), switches.toString());

            // Every flood connection is answered and closed: refused at once (429), or cut off at the deadline (408).
            int refused = 0;
            int cutOff = 0;
            for (Socket s : flood) {
                int status = status(s.getInputStream());
                assertTrue(status == 429 || status == 408, "answered " + status);
                if (status == 429) {
                    refused++;
                } else {
                    cutOff++;
                }
                assertTrue(closed(s.getInputStream()));
            }
            assertEquals(attempts - held, refused);
            assertEquals(held, cutOff);
            awaitTrue(() -> server.openConnections() <= 1);
            System.out.printf("REST flood: %d connections from %d addresses, %d kept (%d refused at once, %d cut off "
                            + "at header-timeout %d s); controller fds +%d, threads +%d during the flood; GET %.2f ms (quiet %.2f, "
                            + "x%.1f); switch handshake %.1f ms (quiet %.1f, x%.1f)%n", attempts, ADDRESSES, held,
                    refused, cutOff, limits.headerTimeout().toSeconds(), serverFds, threads, floodGet / 1e6, quietGet / 1e6,
                    (double) floodGet / quietGet, floodHandshake / 1e6, quietHandshake / 1e6,
                    (double) floodHandshake / quietHandshake);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            nets.forEach(SimNetwork::close);
        }
    }

    /** Nanoseconds from connecting a simulated switch to its handshake's end (its barrier answered). */
    private final List<SimNetwork> nets = new ArrayList<>();

    private long timeHandshake(RestFabric f, String name, String dpid) throws Exception {
        TopologyBuilder b = new TopologyBuilder().addSwitch(name, DatapathId.of(dpid), Set.of(OFVersion.OF_13), 0,
                IPv4Address.of("10.77.0." + name.charAt(2)));
        long t0 = System.nanoTime();
        SimNetwork net = SimNetwork.builder().controller("127.0.0.1", f.controller.openflowAddresses().get(0).getPort())
                .topology(b.build()).versions(OFVersion.OF_13).build();
        nets.add(net);
        net.awaitReady(Duration.ofSeconds(30));
        long t = System.nanoTime() - t0;
        awaitTrue(() -> f.controller.switches().get(DatapathId.of(dpid)).isPresent());
        return t;
    }

    private static long timeGet(Http http) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertEquals(200, http.get("/api/v1/controller").status());
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    private static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        String l = line.toString(StandardCharsets.US_ASCII);
        assertTrue(l.startsWith("HTTP/1.1 "), "an HTTP answer: '" + l + "'");
        return Integer.parseInt(l.split(" ")[1]);
    }

    private static boolean closed(InputStream in) throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            return true;
        }
    }

    private static long openFds() {
        return Objects.requireNonNull(new File("/proc/self/fd").list(), "reads /proc/self/fd (Linux)").length;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
        while (!c.getAsBoolean()) {
            Thread.sleep(10); // polling a condition; the class timeout bounds it
        }
    }
}
