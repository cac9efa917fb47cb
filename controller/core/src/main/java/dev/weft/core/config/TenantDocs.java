package dev.weft.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;

/** The tenant parts of the config file as written (strings), before validation. */
final class TenantDocs {
    private TenantDocs() {
    }

    record Node(String name, String datapathId, String tunnelIp, String ovsdb) {
    }

    record Tenant(String name, List<Network> networks, List<Router> routers, List<SecurityGroup> securityGroups) {
    }

    record SecurityGroup(String name, List<Rule> rules) {
    }

    /** {@code ports} is a number or a range "1000-2000" (a YAML number or string). */
    record Rule(String direction, String protocol, String ports, Integer icmpType, String remoteCidr,
                String remoteGroup) {
    }

    record RateLimit(Long kbps, Long burstKb, Long broadcastPps) {
    }

    record Network(String name, Integer segment, String subnet, Dhcp dhcp, List<Port> ports) {
    }

    record Port(String name, String mac, List<String> ips, Binding binding, List<String> securityGroups,
                RateLimit rateLimit) {
    }

    record Binding(@JsonProperty("interface") String iface, Boolean byMac,
                   @JsonProperty("switch") String sw, Integer port, Boolean ifaceId) {
    }

    record Dhcp(String range, List<String> dns, Duration lease, Integer mtu, String serverIp, String domain) {
    }

    record Router(String name, List<RouterPort> ports, List<Route> routes, Gateway gateway) {
    }

    record RouterPort(String network, String ip, String mac) {
    }

    record Route(String destination, String nextHop) {
    }

    record Gateway(String network, String ip, String mac, Boolean snat, List<Floating> floatingIps) {
    }

    record Floating(String ip, String port) {
    }

    record External(String name, String node, String uplink, String subnet, String gateway, String gatewayMac) {
    }

    record VlanGateway(String name, String network, String node, Integer port, Integer vlan) {
    }
}
