package dev.weft.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The tenant parts of the config file as written (strings), before validation. */
final class TenantDocs {
    private TenantDocs() {
    }

    record Node(String name, String datapathId, String tunnelIp) {
    }

    record Tenant(String name, List<Network> networks) {
    }

    record Network(String name, Integer segment, String subnet, List<Port> ports) {
    }

    record Port(String name, String mac, List<String> ips, Binding binding) {
    }

    record Binding(@JsonProperty("interface") String iface, Boolean byMac,
                   @JsonProperty("switch") String sw, Integer port) {
    }
}
