package dev.weft.ovsdb;

import dev.weft.api.tenant.TransportNode;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who claims which tunnel IP, as a table: the config's addresses, and what each OVSDB states. */
class TunnelClaimsTest {
    static final List<TransportNode> NODES = List.of(node("hv1", 1), node("hv2", 2), node("hv3", 3));

    static TransportNode node(String name, int n) {
        return new TransportNode(name, DatapathId.of(n), IPv4Address.of("10.77.0." + n));
    }

    /** node/kind/subject of each alert, sorted. */
    static List<String> keys(Map<String, String> claimed) {
        return TunnelClaims.check(NODES, claimed).stream().map(Alert::key).sorted().toList();
    }

    @Test
    void nothingWhenEveryHypervisorClaimsItsOwnOrSaysNothing() {
        assertEquals(List.of(), keys(Map.of()));
        assertEquals(List.of(), keys(Map.of("hv1", "10.77.0.1", "hv2", "10.77.0.2")));
    }

    @Test
    void aHypervisorClaimingAnothersAddressRaisesOnBoth() {
        assertEquals(List.of("hv1/tunnel-ip-claimed/10.77.0.1", "hv3/tunnel-ip-claimed/10.77.0.1"),
                keys(Map.of("hv3", "10.77.0.1")));
        Alert a = TunnelClaims.check(NODES, Map.of("hv3", "10.77.0.1")).get(0);
        assertTrue(a.message().contains("hv1 (tunnel-ip in the configuration)")
                && a.message().contains("hv3 (its OVSDB's external_ids:weft-tunnel-ip)"), a.message());
        assertEquals(false, a.repairs(), "Weft does not own the underlay");
    }

    @Test
    void twoHypervisorsStatingOneNewAddressRaiseOnBothAndNoMismatch() {
        assertEquals(List.of("hv2/tunnel-ip-claimed/10.77.0.9", "hv3/tunnel-ip-claimed/10.77.0.9"),
                keys(Map.of("hv2", "10.77.0.9", "hv3", "10.77.0.9")));
    }

    @Test
    void aHypervisorStatingAnotherAddressThanTheConfigIsAMismatch() {
        assertEquals(List.of("hv2/tunnel-ip-mismatch/10.77.0.9"), keys(Map.of("hv2", "10.77.0.9")));
    }

    @Test
    void onlyAnAddressCountsAsAClaim() {
        assertEquals(Optional.of("10.77.0.1"), TunnelClaims.parse(Map.of("weft-tunnel-ip", " 10.77.0.1 ")));
        assertEquals(Optional.empty(), TunnelClaims.parse(Map.of("weft-tunnel-ip", "hv1")));
        assertEquals(Optional.empty(), TunnelClaims.parse(Map.of("weft-tunnel-ip", "10.77.0.300")));
        assertEquals(Optional.empty(), TunnelClaims.parse(Map.of("system-id", "x")));
    }
}
