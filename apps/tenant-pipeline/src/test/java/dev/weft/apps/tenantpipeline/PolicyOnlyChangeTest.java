package dev.weft.apps.tenantpipeline;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.Tenant;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A network whose ports changed only their policies is no change for compilers that read none. */
class PolicyOnlyChangeTest {
    static NetworkConfig config(List<String> groups, String ip) {
        LogicalPort p = new LogicalPort("a", "t", "n", 7, MacAddress.of(2), List.of(IPv4Address.of(ip)),
                new Binding.Interface("vm-a"), new PortPolicy(groups, RateLimit.NONE));
        return new NetworkConfig(List.of(), List.of(new Tenant("t", List.of(new LogicalNetwork("t", "n", 7,
                Optional.empty(), List.of(p))), List.of())));
    }

    @Test
    void onlyPolicies() {
        assertTrue(NetworkFlowsKeeper.onlyPolicies(config(List.of(), "10.0.0.1"), config(List.of("web"), "10.0.0.1"), 7));
        assertFalse(NetworkFlowsKeeper.onlyPolicies(config(List.of(), "10.0.0.1"), config(List.of("web"), "10.0.0.2"), 7),
                "an address changed too");
        assertFalse(NetworkFlowsKeeper.onlyPolicies(config(List.of(), "10.0.0.1"), config(List.of(), "10.0.0.1"), 8),
                "a network that is in neither");
    }
}
