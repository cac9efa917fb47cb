package dev.weft.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A parsed config file: the controller's settings and each app's own section, kept as a tree
 * until the app binds it to its own type.
 */
public record WeftConfig(String source, ControllerSection controller, Map<String, JsonNode> apps) {
    public WeftConfig {
        controller = controller == null ? ControllerSection.EMPTY : controller;
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    public static WeftConfig empty() {
        return new WeftConfig("(defaults)", ControllerSection.EMPTY, Map.of());
    }
}
