package dev.weft.fakes;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link TenantService} a test sets by hand (pair it with events delivered through {@link AppHarness}). */
public final class FakeTenantService implements TenantService {
    private NetworkConfig config = NetworkConfig.empty();
    private final Map<String, PortLocation> locations = new LinkedHashMap<>();
    private final Map<DatapathId, Map<String, OFPort>> tunnels = new HashMap<>();

    public FakeTenantService config(NetworkConfig c) {
        this.config = c;
        return this;
    }

    public FakeTenantService locate(String port, PortLocation at) {
        if (at == null) {
            locations.remove(port);
        } else {
            locations.put(port, at);
        }
        return this;
    }

    public FakeTenantService tunnel(DatapathId from, String toNode, OFPort port) {
        tunnels.computeIfAbsent(from, d -> new HashMap<>()).put(toNode, port);
        return this;
    }

    @Override
    public NetworkConfig config() {
        return config;
    }

    @Override
    public Map<String, PortLocation> locations() {
        return Map.copyOf(locations);
    }

    @Override
    public Optional<PortLocation> location(String portName) {
        return Optional.ofNullable(locations.get(portName));
    }

    @Override
    public Map<String, OFPort> tunnelPorts(DatapathId dpid) {
        return Map.copyOf(tunnels.getOrDefault(dpid, Map.of()));
    }
}
