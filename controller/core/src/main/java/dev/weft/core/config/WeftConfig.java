package dev.weft.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.tenant.NetworkConfig;

import java.util.Map;

/**
 * A parsed and validated config file: the controller's settings, each app's own section (kept as
 * a tree until the app binds it to its own type), and the tenants and transport nodes.
 */
public record WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                         NetworkConfig network) {
    public WeftConfig {
        controller = controller == null ? ControllerSection.EMPTY : controller;
        apps = apps == null ? Map.of() : Map.copyOf(apps);
        network = network == null ? NetworkConfig.empty() : network;
    }

    public static WeftConfig empty() {
        return new WeftConfig("(defaults)", ControllerSection.EMPTY, Map.of(), NetworkConfig.empty());
    }
}
