package dev.weft.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.tenant.NetworkConfig;

import java.util.Map;

/**
 * A parsed and validated config file: the controller's settings, each app's own section (kept as
 * a tree until the app binds it to its own type), the tenants and transport nodes, and the
 * topology, REST, console, OVSDB and cluster sections (null when absent).
 */
public record WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                         NetworkConfig network, TopologySection topology, RestSection rest, ConsoleSection console,
                         OvsdbSection ovsdb, ClusterSection cluster) {
    public WeftConfig {
        controller = controller == null ? ControllerSection.EMPTY : controller;
        apps = apps == null ? Map.of() : Map.copyOf(apps);
        network = network == null ? NetworkConfig.empty() : network;
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                      NetworkConfig network, TopologySection topology, RestSection rest, ConsoleSection console) {
        this(source, controller, apps, network, topology, rest, console, null, null);
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                      NetworkConfig network, TopologySection topology, RestSection rest, ConsoleSection console,
                      OvsdbSection ovsdb) {
        this(source, controller, apps, network, topology, rest, console, ovsdb, null);
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps) {
        this(source, controller, apps, null, null, null, null, null, null);
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                      NetworkConfig network, TopologySection topology) {
        this(source, controller, apps, network, topology, null, null, null, null);
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                      NetworkConfig network, TopologySection topology, RestSection rest) {
        this(source, controller, apps, network, topology, rest, null, null, null);
    }

    public static WeftConfig empty() {
        return new WeftConfig("(defaults)", ControllerSection.EMPTY, Map.of());
    }
}
