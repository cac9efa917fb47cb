package dev.weft.sim.net;

import com.google.common.base.Ticker;
import dev.weft.sim.channel.ConnectionConfig;
import dev.weft.sim.datapath.DatapathConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * The settings of a {@link SimNetwork} ({@link SimNetwork#builder()}); {@link #build()} starts the
 * network (switches connect in the background). The network and its parts read the fields directly.
 */
public final class SimNetworkBuilder {
    List<InetSocketAddress> controllers = List.of();
    BiConsumer<String, OFMessage> direct;
    Topology topology;
    Set<OFVersion> versions = EnumSet.of(OFVersion.OF_13);
    Ticker ticker = Ticker.systemTicker();
    UnaryOperator<DatapathConfig> datapathConfig = UnaryOperator.identity();
    ConnectionConfig connection = ConnectionConfig.DEFAULT;
    Duration settle = Duration.ofMillis(20);
    Duration unansweredGrace = Duration.ofMillis(300);
    Duration traceTimeout = Duration.ofSeconds(5);
    Duration expiryInterval = Duration.ofMillis(100);
    int maxHops = 64;
    long maxFramesPerTrace = 10_000;
    int ioThreads = 2;

    SimNetworkBuilder() {
    }

    /** The controller every switch connects to (TCP). */
    public SimNetworkBuilder controller(InetSocketAddress address) {
        this.controllers = List.of(address);
        return this;
    }

    /**
     * Several controllers (a cluster): every switch connects to each of them, keeps a role per
     * connection (OpenFlow 1.3 ROLE_REQUEST with generation ids), refuses changes from slaves
     * and sends packet-ins only to the master (or equals).
     */
    public SimNetworkBuilder controllers(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("give at least one controller");
        }
        this.controllers = List.copyOf(addresses);
        return this;
    }

    public SimNetworkBuilder controller(String host, int port) {
        return controller(new InetSocketAddress(host, port));
    }

    /**
     * No TCP: every switch is connected at its highest version from the start; what switches
     * send goes to {@code sink} (on the sim-loop), and {@link SimNetwork#sendFromController} talks back.
     */
    public SimNetworkBuilder directController(BiConsumer<String, OFMessage> sink) {
        this.direct = sink;
        return this;
    }

    public SimNetworkBuilder topology(Topology t) {
        this.topology = t;
        return this;
    }

    /** Versions every switch offers unless its topology entry says otherwise (default 1.3). */
    public SimNetworkBuilder versions(OFVersion... v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("offer at least one version");
        }
        this.versions = EnumSet.of(v[0], v);
        return this;
    }

    /** Time for flow timeouts and durations (default: the system ticker). */
    public SimNetworkBuilder ticker(Ticker t) {
        this.ticker = t;
        return this;
    }

    /** Adjusts each switch's datapath config (tables, buffers, PORT_DESC part size, ...). */
    public SimNetworkBuilder datapathConfig(UnaryOperator<DatapathConfig> f) {
        this.datapathConfig = f;
        return this;
    }

    public SimNetworkBuilder connection(ConnectionConfig c) {
        this.connection = c;
        return this;
    }

    /** Quiescence: settle time after the last activity when every packet-in was answered. */
    public SimNetworkBuilder settle(Duration d) {
        this.settle = d;
        return this;
    }

    /** Quiescence: how long to wait for a controller that does not answer a packet-in. */
    public SimNetworkBuilder unansweredGrace(Duration d) {
        this.unansweredGrace = d;
        return this;
    }

    public SimNetworkBuilder traceTimeout(Duration d) {
        this.traceTimeout = d;
        return this;
    }

    /** How often flow timeouts are checked against the ticker (default 100 ms). */
    public SimNetworkBuilder expiryInterval(Duration d) {
        this.expiryInterval = d;
        return this;
    }

    /** Storm guards: switch traversals per frame, and frames per trace. */
    public SimNetworkBuilder stormLimits(int maxHops, long maxFramesPerTrace) {
        this.maxHops = maxHops;
        this.maxFramesPerTrace = maxFramesPerTrace;
        return this;
    }

    public SimNetworkBuilder ioThreads(int n) {
        this.ioThreads = n;
        return this;
    }

    public SimNetwork build() {
        if (topology == null) {
            throw new IllegalStateException("no topology given");
        }
        if (controllers.isEmpty() == (direct == null)) {
            throw new IllegalStateException("give exactly one of controller(...) and directController(...)");
        }
        return new SimNetwork(this);
    }
}
