package dev.weft.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A parsed config file: the controller's settings, each app's own section (kept as a tree until
 * the app binds it to its own type) and the topology section (null when absent).
 */
public record WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps,
                         TopologySection topology) {
    public WeftConfig {
        controller = controller == null ? ControllerSection.EMPTY : controller;
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    public WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps) {
        this(source, controller, apps, null);
    }

    public static WeftConfig empty() {
        return new WeftConfig("(defaults)", ControllerSection.EMPTY, Map.of());
    }
}
