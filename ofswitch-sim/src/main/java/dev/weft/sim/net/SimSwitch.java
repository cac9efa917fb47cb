package dev.weft.sim.net;

import dev.weft.sim.channel.ControllerConnection;
import dev.weft.sim.channel.SwitchSide;
import dev.weft.sim.datapath.Datapath;
import dev.weft.sim.datapath.DatapathEnvironment;
import dev.weft.sim.datapath.Frame;
import dev.weft.sim.datapath.SimPort;
import dev.weft.ovsext.OnfRoleStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import dev.weft.sim.datapath.ErrorMessages;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFControllerRoleReason;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFRoleRequestFailedCode;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One simulated switch in a {@link SimNetwork}: its {@link Datapath}, what is plugged into its
 * ports and its controller connection. The datapath runs on the network's sim-loop; controller
 * messages arrive from Netty I/O threads and are handed over to it.
 */
public final class SimSwitch implements SwitchSide, DatapathEnvironment {
    private final String name;
    private final Set<OFVersion> versions;
    private final IPv4Address tunnelEndpoint;
    private final SimNetwork net;
    private Datapath datapath;
    private final Map<Integer, Attachment> attachments = new HashMap<>();
    /** Connections to its controllers (several in a cluster); roles are kept per connection. */
    private final java.util.List<ControllerConnection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ControllerRoles<ControllerConnection> roles = new ControllerRoles<>();
    /** Sim-loop: the connection whose message the datapath is handling (its replies go there). */
    private ControllerConnection replyTo;
    private volatile boolean featuresReplied;
    private volatile boolean barrierReplied;
    private volatile OFVersion negotiated;
    private boolean direct;

    SimSwitch(String name, Set<OFVersion> versions, IPv4Address tunnelEndpoint, SimNetwork net) {
        this.name = name;
        this.versions = Set.copyOf(versions);
        this.tunnelEndpoint = tunnelEndpoint;
        this.net = net;
    }

    void attachDatapath(Datapath dp) {
        this.datapath = dp;
    }

    void useConnection(ControllerConnection c) {
        connections.add(c);
    }

    void useDirectController() {
        this.direct = true;
        this.negotiated = datapath.version();
    }

    @Override
    public String name() {
        return name;
    }

    public DatapathId dpid() {
        return datapath.dpid();
    }

    @Override
    public Set<OFVersion> versions() {
        return versions;
    }

    /** The tunnel endpoint IP of a hypervisor switch, or null. */
    public IPv4Address tunnelEndpoint() {
        return tunnelEndpoint;
    }

    /** The version negotiated with the controller on the current connection, or null. */
    public OFVersion negotiatedVersion() {
        return negotiated;
    }

    /** True when this switch answered FEATURES_REQUEST on its current connection. */
    public boolean isConnected() {
        return featuresReplied;
    }

    /** True when, after FEATURES_REPLY, this switch also answered a BARRIER_REQUEST (handshake done). */
    public boolean isReady() {
        return barrierReplied;
    }

    Datapath datapath() {
        return datapath;
    }

    java.util.List<ControllerConnection> connections() {
        return connections;
    }

    /** Sim-loop: each live controller connection's role, by controller address. */
    Map<java.net.InetSocketAddress, OFControllerRole> roles() {
        Map<java.net.InetSocketAddress, OFControllerRole> out = new java.util.LinkedHashMap<>();
        roles.snapshot().forEach((c, r) -> out.put(c.controller(), r));
        return out;
    }

    Map<Integer, Attachment> attachments() {
        return attachments;
    }

    // ---- SwitchSide (Netty I/O threads) -------------------------------------------------

    @Override
    public void connected(ControllerConnection c, OFVersion version) {
        net.loop().execute(() -> {
            boolean first = roles.snapshot().isEmpty();
            roles.connected(c);
            if (first || datapath.version() != version) {
                datapath.setVersion(version);
                featuresReplied = false;
                barrierReplied = false;
            }
            negotiated = version;
        });
    }

    @Override
    public void message(ControllerConnection c, OFMessage message) {
        net.loop().execute(() -> {
            if (message.getType() == OFType.ROLE_REQUEST) {
                roleRequest(c, (OFRoleRequest) message);
                return;
            }
            if (!roles.accepts(c, message)) {
                c.send(ErrorMessages.build(datapath.factory(), message.getXid(), OFErrorType.BAD_REQUEST,
                        OFBadRequestCode.IS_SLAVE, ErrorMessages.bytesOf(message)));
                return;
            }
            replyTo = c;
            try {
                datapath.handle(message);
            } finally {
                replyTo = null;
            }
        });
    }

    private void roleRequest(ControllerConnection c, OFRoleRequest rr) {
        java.util.List<ControllerConnection> masters = roles.snapshot().entrySet().stream()
                .filter(e -> e.getKey() != c && e.getValue() == OFControllerRole.ROLE_MASTER)
                .map(Map.Entry::getKey).toList();
        if (!roles.request(c, rr.getRole(), rr.getGenerationId())) {
            c.send(datapath.factory().errorMsgs().buildRoleRequestFailedErrorMsg().setXid(rr.getXid())
                    .setCode(OFRoleRequestFailedCode.STALE)
                    .setData(OFErrorCauseData.of(ErrorMessages.bytesOf(rr), datapath.version())).build());
            return;
        }
        c.send(datapath.factory().buildRoleReply().setXid(rr.getXid()).setRole(roles.role(c))
                .setGenerationId(roles.generation()).build());
        if (rr.getRole() == OFControllerRole.ROLE_MASTER) {
            masters.forEach(this::tellDemoted);
        }
    }

    /**
     * As Open vSwitch does: a master demoted because another controller became master is told so,
     * with OpenFlow 1.4's ROLE_STATUS, or on 1.3 with the ONF extension; 1.0 has no such message.
     */
    private void tellDemoted(ControllerConnection old) {
        OFVersion v = datapath.version();
        if (v == OFVersion.OF_13) {
            old.send(new OnfRoleStatus.Builder().setRole(OFControllerRole.ROLE_SLAVE)
                    .setReason(OnfRoleStatus.REASON_MASTER_REQUEST).setGenerationId(roles.generation()).build());
        } else if (v.compareTo(OFVersion.OF_14) >= 0) {
            old.send(datapath.factory().buildRoleStatus().setRole(OFControllerRole.ROLE_SLAVE)
                    .setReason(OFControllerRoleReason.MASTER_REQUEST).setGenerationId(roles.generation()).build());
        }
    }

    @Override
    public void disconnected(ControllerConnection c) {
        net.loop().execute(() -> {
            roles.disconnected(c);
            if (roles.snapshot().isEmpty()) {
                featuresReplied = false;
                barrierReplied = false;
                negotiated = null;
            }
            net.stateChanged();
        });
    }

    // ---- DatapathEnvironment (sim-loop) -------------------------------------------------

    @Override
    public void toController(OFMessage m) {
        if (m.getType() == OFType.FEATURES_REPLY) {
            featuresReplied = true;
            net.stateChanged();
        } else if (m.getType() == OFType.BARRIER_REPLY && featuresReplied && !barrierReplied) {
            barrierReplied = true;
            net.stateChanged();
        }
        if (direct) {
            net.toDirectController(name, m);
            return;
        }
        OFType t = m.getType();
        boolean async = t == OFType.PACKET_IN || t == OFType.FLOW_REMOVED || t == OFType.PORT_STATUS;
        if (!async && replyTo != null) {
            replyTo.send(m);
            return;
        }
        for (ControllerConnection c : connections) {
            if (c.isActive() && roles.receives(c, t)) {
                c.send(m);
            }
        }
    }

    @Override
    public boolean controllerConnected() {
        if (direct) {
            return true;
        }
        for (ControllerConnection c : connections) {
            if (c.isActive()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void transmit(SimPort port, Frame frame) {
        net.transmit(this, port.number(), frame);
    }

    @Override
    public void packetInSent(SimPort inPort, Frame frame) {
        net.tracer().packetIn(name, frame.trace(), frame.bytes());
    }

    @Override
    public long attributePacketOut(long bufferedTrace, byte[] data) {
        return net.tracer().attribute(name, bufferedTrace, data);
    }

    OFPort portAttachedTo(SimSwitch remoteHypervisor) {
        for (Map.Entry<Integer, Attachment> e : attachments.entrySet()) {
            if (e.getValue() instanceof Attachment.ToTunnel t && t.remote() == remoteHypervisor) {
                return OFPort.of(e.getKey());
            }
        }
        return null;
    }

    OFPort flowTunnelPort() {
        for (Map.Entry<Integer, Attachment> e : attachments.entrySet()) {
            if (e.getValue() instanceof Attachment.ToFlowTunnel) {
                return OFPort.of(e.getKey());
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name + "(" + datapath.dpid() + ")";
    }
}
