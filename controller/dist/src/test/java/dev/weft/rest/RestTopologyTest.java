package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.sim.net.SimNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Links and hosts over the API, on a switched network with the learning switch. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestTopologyTest {

    @Test
    void linksAndHostsOfALinearNetwork() throws Exception {
        try (Controller c = Http.startWithApi(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("learning-switch"))
                .dispatchThreads(2).build());
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", c.openflowAddresses().get(0).getPort())
                     .topology(dev.weft.sim.net.Topology.parse("linear,2")).versions(OFVersion.OF_13).build()) {
            net.awaitReady(Duration.ofSeconds(10));
            Http http = new Http(Http.apiOf(c));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            JsonNode links;
            do {
                Thread.sleep(50);
                links = http.get("/api/v1/links").body();
            } while (links.size() < 2 && System.nanoTime() < deadline);
            assertEquals(2, links.size(), "one cable, one link per direction: " + links);
            JsonNode l = links.get(0);
            assertEquals(l.path("src").path("dpid").asText(), links.get(1).path("dst").path("dpid").asText());
            assertTrue(l.path("src").path("port").asInt() > 0);

            assertEquals(0, net.pingAll().droppedPercent(), "pingall");
            JsonNode hosts = http.get("/api/v1/hosts").body();
            assertEquals(2, hosts.size(), hosts.toString());
            JsonNode h = hosts.get(0);
            assertTrue(h.path("mac").asText().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), h.toString());
            assertTrue(h.path("vlan").isNull());
            assertEquals(1, h.path("ips").size(), h.toString());
            assertTrue(h.path("location").path("port").asInt() > 0);
        }
    }
}
