package dev.weft.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ControllerSection;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.openflow.DatapathPin;
import dev.weft.core.openflow.ListenAddress;
import dev.weft.core.tls.PemTls;
import dev.weft.core.topology.TopologySettings;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the controller needs to start, resolved from defaults, the config file and the
 * command line (in that order of precedence, last wins).
 */
public record ControllerSettings(
        List<ListenAddress> listen,
        List<String> apps,
        Optional<Path> plugins,
        int dispatchThreads,
        Set<OFVersion> versions,
        Duration echoInterval,
        Duration echoTimeout,
        Duration handshakeTimeout,
        Duration requestTimeout,
        boolean tableMissToController,
        Duration flowAuditInterval,
        Duration startupHold,
        dev.weft.api.tenant.NetworkConfig network,
        Optional<java.nio.file.Path> configFile,
        String configSource,
        Map<String, JsonNode> appConfig,
        Clock clock,
        TopologySettings topology,
        ControllerSection controllerSection,
        Optional<PemTls> switchTls,
        List<DatapathPin> pins,
        Duration takeoverProbe) {

    public static final int DEFAULT_PORT = 6653;
    public static final List<String> DEFAULT_APPS = List.of("learning-switch");
    private static final Set<OFVersion> SUPPORTED = EnumSet.of(OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14,
            OFVersion.OF_15);

    public ControllerSettings {
        listen = List.copyOf(listen);
        apps = List.copyOf(apps);
        versions = Set.copyOf(versions);
        appConfig = Map.copyOf(appConfig);
        java.util.Objects.requireNonNull(controllerSection, "controllerSection");
        java.util.Objects.requireNonNull(switchTls, "switchTls");
        pins = List.copyOf(pins);
        if (switchTls.isEmpty()) {
            for (ListenAddress l : listen) {
                if (l.tls()) {
                    throw new IllegalArgumentException("listening on " + l + " needs the TLS keys: controller: tls: "
                            + "private-key, certificate and ca-certificate in the config file");
                }
            }
        } else if (switchTls.get().caCertificate().isEmpty()) {
            throw new IllegalArgumentException("controller.tls needs ca-certificate: switches must present a "
                    + "certificate signed by it");
        }
        if (takeoverProbe.isNegative() || takeoverProbe.isZero()) {
            throw new IllegalArgumentException("takeover probe timeout must be positive");
        }
        if (flowAuditInterval.isNegative()) {
            throw new IllegalArgumentException("flow audit interval must not be negative");
        }
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("at least one listen address is needed");
        }
        if (dispatchThreads < 1 || dispatchThreads > 256) {
            throw new IllegalArgumentException("dispatch threads must be 1..256, was " + dispatchThreads);
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("at least one OpenFlow version must be enabled");
        }
        if (echoTimeout.compareTo(echoInterval) < 0) {
            throw new IllegalArgumentException("echo timeout (" + echoTimeout + ") must be at least the echo interval ("
                    + echoInterval + ")");
        }
    }

    /** A datapath id as written in the config: 00:00:00:00:00:00:00:a1, a1 or 0xa1 (hex). */
    public static org.projectfloodlight.openflow.types.DatapathId parseDatapathId(String text) {
        try {
            String t = text.trim();
            if (t.contains(":")) {
                return org.projectfloodlight.openflow.types.DatapathId.of(t);
            }
            return org.projectfloodlight.openflow.types.DatapathId.of(
                    Long.parseUnsignedLong(t.startsWith("0x") ? t.substring(2) : t, 16));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a datapath id (e.g. 00:00:00:00:00:00:00:a1 or 0xa1)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parse a listen address: {@code PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    public static InetSocketAddress parseListen(String text) {
        String t = text.trim();
        String host = "0.0.0.0";
        String port = t;
        int colon = t.lastIndexOf(':');
        if (colon >= 0) {
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "0.0.0.0";
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a listen address (PORT or HOST:PORT)");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " in '" + text + "' is out of range 0..65535");
        }
        return new InetSocketAddress(host, p);
    }

    /** Parse a switch listen address: {@code [tcp:|ssl:]PORT} or {@code [tcp:|ssl:]HOST:PORT}. */
    public static ListenAddress parseListenAddress(String text) {
        return ListenAddress.parse(text, ControllerSettings::parseListen);
    }

    /** Parse an OpenFlow version as written by people: 1.0, 1.3, 1.4, 1.5. */
    public static OFVersion parseVersion(String text) {
        return switch (text.trim()) {
            case "1.0" -> OFVersion.OF_10;
            case "1.3" -> OFVersion.OF_13;
            case "1.4" -> OFVersion.OF_14;
            case "1.5" -> OFVersion.OF_15;
            default -> throw new IllegalArgumentException("unsupported OpenFlow version '" + text
                    + "' (supported: 1.0, 1.3, 1.4, 1.5)");
        };
    }

    public static final class Builder {
        private List<ListenAddress> listen = List.of(ListenAddress.tcp(new InetSocketAddress("0.0.0.0", DEFAULT_PORT)));
        private Optional<PemTls> switchTls = Optional.empty();
        private List<DatapathPin> pins = List.of();
        private Duration takeoverProbe = dev.weft.core.openflow.SwitchManager.DEFAULT_TAKEOVER_PROBE;
        private List<String> apps = DEFAULT_APPS;
        private Optional<Path> plugins = Optional.empty();
        private int dispatchThreads = Runtime.getRuntime().availableProcessors();
        private Set<OFVersion> versions = SUPPORTED;
        private Duration echoInterval = Duration.ofSeconds(5);
        private Duration echoTimeout = Duration.ofSeconds(15);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private boolean tableMiss = true;
        private Duration flowAuditInterval = Duration.ofSeconds(60);
        private Duration startupHold = Duration.ofSeconds(15);
        private dev.weft.api.tenant.NetworkConfig network = dev.weft.api.tenant.NetworkConfig.empty();
        private Optional<java.nio.file.Path> configFile = Optional.empty();
        private String configSource = "(defaults)";
        private Map<String, JsonNode> appConfig = Map.of();
        private Clock clock = Clock.systemUTC();
        private TopologySettings topology = TopologySettings.DEFAULTS;
        private ControllerSection controllerSection = ControllerSection.EMPTY;

        /** Apply a config file's values (those present). */
        public Builder config(WeftConfig cfg) {
            ControllerSection c = cfg.controller();
            String src = cfg.source();
            if (c.listen() != null) {
                List<ListenAddress> ls = new ArrayList<>();
                for (int i = 0; i < c.listen().size(); i++) {
                    try {
                        ls.add(parseListenAddress(c.listen().get(i)));
                    } catch (IllegalArgumentException e) {
                        throw ConfigLoader.error(src, "/controller/listen/" + i, "controller.listen[" + i + "]: "
                                + e.getMessage());
                    }
                }
                listenAddresses(ls);
            }
            if (c.openflowVersions() != null) {
                Set<OFVersion> vs = EnumSet.noneOf(OFVersion.class);
                for (int i = 0; i < c.openflowVersions().size(); i++) {
                    try {
                        vs.add(parseVersion(c.openflowVersions().get(i)));
                    } catch (IllegalArgumentException e) {
                        throw ConfigLoader.error(src, "/controller/openflow-versions/" + i,
                                "controller.openflow-versions[" + i + "]: " + e.getMessage());
                    }
                }
                versions(vs);
            }
            if (c.apps() != null) {
                apps(c.apps());
            }
            if (c.plugins() != null) {
                plugins(c.plugins());
            }
            if (c.dispatchThreads() != null) {
                dispatchThreads(c.dispatchThreads());
            }
            if (c.echoInterval() != null) {
                echoInterval(c.echoInterval());
            }
            if (c.echoTimeout() != null) {
                echoTimeout(c.echoTimeout());
            }
            if (c.handshakeTimeout() != null) {
                handshakeTimeout(c.handshakeTimeout());
            }
            if (c.requestTimeout() != null) {
                requestTimeout(c.requestTimeout());
            }
            if (c.tableMissToController() != null) {
                tableMissToController(c.tableMissToController());
            }
            if (c.flowAuditInterval() != null) {
                flowAuditInterval(c.flowAuditInterval());
            }
            if (c.startupHold() != null) {
                startupHold(c.startupHold());
            }
            if (c.takeoverProbeTimeout() != null) {
                takeoverProbe(c.takeoverProbeTimeout());
            }
            if (c.tls() != null) {
                tls(c.tls(), src);
            }
            if (c.warmUpMigrations() != null && c.warmUpMigrations() < 0) {
                throw ConfigLoader.error(src, "/controller/warm-up-migrations", "controller.warm-up-migrations: "
                        + "must be 0 (no warm-up) or more, was " + c.warmUpMigrations());
            }
            if (c.warmUpSwitches() != null && (c.warmUpSwitches() < 0 || c.warmUpSwitches() > 10_000)) {
                throw ConfigLoader.error(src, "/controller/warm-up-switches", "controller.warm-up-switches: "
                        + "must be 0 (no warm-up) to 10,000, was " + c.warmUpSwitches());
            }
            network = cfg.network();
            if (cfg.topology() != null) {
                try {
                    topology(topology.with(cfg.topology()));
                } catch (IllegalArgumentException e) {
                    String key = e.getMessage().split("[ (]", 2)[0]; // the messages start with the key
                    throw ConfigLoader.error(src, "/topology/" + key, "topology: " + e.getMessage());
                }
            }
            configSource = src;
            controllerSection = c;
            appConfig = cfg.apps();
            return this;
        }

        /** Plain TCP listeners. */
        public Builder listen(List<InetSocketAddress> v) {
            listen = v.stream().map(ListenAddress::tcp).toList();
            return this;
        }

        /** Listeners, TCP or TLS. */
        public Builder listenAddresses(List<ListenAddress> v) {
            listen = new ArrayList<>(v);
            return this;
        }

        /** The keys for {@code ssl:} listeners (PEM); the CA certificate is required. */
        public Builder switchTls(PemTls t) {
            switchTls = Optional.of(t);
            return this;
        }

        /** Which certificate may claim which datapath id. */
        public Builder pins(List<DatapathPin> p) {
            pins = List.copyOf(p);
            return this;
        }

        /** How long a connected switch has to answer the echo before a newcomer with its datapath id replaces it. */
        public Builder takeoverProbe(Duration d) {
            takeoverProbe = d;
            return this;
        }

        private void tls(dev.weft.core.config.TlsSection t, String src) {
            String at = "controller.tls";
            if (t.privateKey() == null || t.certificate() == null || t.caCertificate() == null) {
                throw ConfigLoader.error(src, "/controller/tls", at + " needs private-key, certificate and ca-certificate (PEM files, "
                        + "as ovs-pki makes them)");
            }
            switchTls(new PemTls(Path.of(t.privateKey()), Path.of(t.certificate()), Optional.of(Path.of(t.caCertificate()))));
            List<DatapathPin> ps = new ArrayList<>();
            List<dev.weft.core.config.TlsSection.Pin> given = t.pins() == null ? List.of() : t.pins();
            for (int i = 0; i < given.size(); i++) {
                var p = given.get(i);
                String pat = at + ".pins[" + i + "]";
                if (p == null || p.datapathId() == null) {
                    throw ConfigLoader.error(src, "/controller/tls/pins/" + i, pat + " needs datapath-id");
                }
                try {
                    ps.add(new DatapathPin(parseDatapathId(p.datapathId()), Optional.ofNullable(p.subjectCn()),
                            Optional.ofNullable(p.sha256())));
                } catch (IllegalArgumentException e) {
                    throw ConfigLoader.error(src, "/controller/tls/pins/" + i, pat + ": " + e.getMessage());
                }
            }
            pins(ps);
        }

        public Builder apps(List<String> v) {
            apps = List.copyOf(v);
            return this;
        }

        public Builder plugins(Path dir) {
            plugins = Optional.ofNullable(dir);
            return this;
        }

        public Builder dispatchThreads(int n) {
            dispatchThreads = n;
            return this;
        }

        public Builder versions(Set<OFVersion> v) {
            versions = EnumSet.copyOf(v);
            return this;
        }

        public Builder echoInterval(Duration d) {
            echoInterval = d;
            return this;
        }

        public Builder echoTimeout(Duration d) {
            echoTimeout = d;
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            handshakeTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            requestTimeout = d;
            return this;
        }

        public Builder tableMissToController(boolean b) {
            tableMiss = b;
            return this;
        }

        public Builder flowAuditInterval(Duration d) {
            flowAuditInterval = d;
            return this;
        }

        /** How long after a start deletes and modifications of flow entries may wait for every transport node. */
        public Builder startupHold(Duration d) {
            startupHold = d;
            return this;
        }

        /** The tenants and transport nodes (normally from the config file). */
        public Builder network(dev.weft.api.tenant.NetworkConfig n) {
            network = n;
            return this;
        }

        /** The file the config came from, so that it can be reloaded. */
        public Builder configFile(java.nio.file.Path file) {
            configFile = Optional.ofNullable(file);
            return this;
        }

        public Builder appConfig(Map<String, JsonNode> m) {
            appConfig = Map.copyOf(m);
            return this;
        }

        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        public Builder topology(TopologySettings t) {
            topology = java.util.Objects.requireNonNull(t);
            return this;
        }

        public ControllerSettings build() {
            return new ControllerSettings(listen, apps, plugins, dispatchThreads, versions, echoInterval,
                    echoTimeout, handshakeTimeout, requestTimeout, tableMiss, flowAuditInterval, startupHold, network,
                    configFile,
                    configSource, appConfig, clock, topology, controllerSection, switchTls, pins, takeoverProbe);
        }
    }
}
