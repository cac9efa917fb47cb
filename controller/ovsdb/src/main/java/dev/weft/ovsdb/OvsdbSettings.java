package dev.weft.ovsdb;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.OvsdbSection;
import dev.weft.core.tls.PemTls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Weft builds the integration bridge of each hypervisor whose OVSDB it reaches (the
 * {@code ovsdb:} section of the config file, validated).
 *
 * @param controllerTargets  the bridges' controller targets (where the hypervisors reach Weft)
 * @param tunnels            one flow-based VXLAN port per node, or one port per remote node
 * @param bridge             the integration bridge's name
 * @param datapathType       the bridge's datapath type, when Weft sets it ({@code netdev}: userspace)
 * @param vmMtu              the VMs' MTU (the underlay needs 50 bytes more for VXLAN)
 * @param underlayInterface  the interface whose MTU is the underlay's, when Open vSwitch has it (br-phy)
 * @param probeInterval      silence after which an OVSDB connection is probed, then dropped
 * @param tls                key, certificate and CA for {@code ssl:} OVSDB addresses
 */
public record OvsdbSettings(List<String> controllerTargets, Tunnels tunnels, String bridge,
                           Optional<String> datapathType, int vmMtu, String underlayInterface, Duration probeInterval,
                           Optional<PemTls> tls) {
    public static final int VXLAN_OVERHEAD = 50;

    public enum Tunnels { FLOW, PER_REMOTE }

    public OvsdbSettings {
        controllerTargets = List.copyOf(controllerTargets);
        Objects.requireNonNull(tunnels, "tunnels");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(datapathType, "datapathType");
        Objects.requireNonNull(underlayInterface, "underlayInterface");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(tls, "tls");
    }

    public static OvsdbSettings defaults() {
        return new OvsdbSettings(List.of(), Tunnels.FLOW, "br-int", Optional.empty(), 1500, "br-phy",
                Duration.ofSeconds(5), Optional.empty());
    }

    /** The section as written, validated; {@code null} gives the defaults. */
    public static OvsdbSettings of(OvsdbSection s, String source) {
        OvsdbSettings d = defaults();
        if (s == null) {
            return d;
        }
        List<String> targets = s.controllerTargets() == null ? List.of() : s.controllerTargets().stream()
                .map(t -> t == null ? "" : t.trim()).toList();
        for (int i = 0; i < targets.size(); i++) {
            if (!targets.get(i).matches("(tcp|ssl):(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+)(:\\d{1,5})?|unix:/.+")) {
                throw new ConfigException(source, "ovsdb.controller-targets[" + i + "]: '" + targets.get(i)
                        + "' is not an Open vSwitch controller target (tcp:IP:PORT, ssl:IP:PORT or unix:/PATH)");
            }
        }
        Tunnels tunnels = d.tunnels();
        if (s.tunnels() != null) {
            tunnels = switch (s.tunnels()) {
                case "flow" -> Tunnels.FLOW;
                case "per-remote" -> Tunnels.PER_REMOTE;
                default -> throw new ConfigException(source, "ovsdb.tunnels: '" + s.tunnels()
                        + "' is not flow (one flow-based VXLAN port per hypervisor) or per-remote (one per other hypervisor)");
            };
        }
        String bridge = s.bridge() == null ? d.bridge() : s.bridge().trim();
        if (!bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new ConfigException(source, "ovsdb.bridge: '" + s.bridge() + "' is not a bridge name");
        }
        Optional<String> dpType = Optional.ofNullable(s.datapathType()).map(String::trim);
        if (dpType.isPresent() && !dpType.get().matches("system|netdev")) {
            throw new ConfigException(source, "ovsdb.datapath-type: '" + s.datapathType() + "' is not system or netdev");
        }
        int mtu = s.vmMtu() == null ? d.vmMtu() : s.vmMtu();
        if (mtu < 576 || mtu > 9000) {
            throw new ConfigException(source, "ovsdb.vm-mtu: " + mtu + " is not 576..9000");
        }
        Duration probe = s.probeInterval() == null ? d.probeInterval() : s.probeInterval();
        if (probe.compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigException(source, "ovsdb.probe-interval: " + probe + " is under 500ms");
        }
        Optional<PemTls> tls = Optional.empty();
        if (s.privateKey() != null || s.certificate() != null || s.caCertificate() != null) {
            if (s.privateKey() == null || s.certificate() == null || s.caCertificate() == null) {
                throw new ConfigException(source, "ovsdb: private-key, certificate and ca-certificate go together "
                        + "(ssl: OVSDB connections authenticate both ways)");
            }
            tls = Optional.of(new PemTls(Path.of(s.privateKey()), Path.of(s.certificate()),
                    Optional.of(Path.of(s.caCertificate()))));
        }
        return new OvsdbSettings(targets, tunnels, bridge, dpType, mtu, d.underlayInterface(), probe, tls);
    }
}
