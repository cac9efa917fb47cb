package dev.weft.core.openflow;

import dev.weft.api.ErrorText;
import dev.weft.api.event.ErrorReceived;
import dev.weft.api.event.FlowRemoved;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.packet.Ethernet;
import dev.weft.core.dispatch.EventBus;
import dev.weft.ovsext.OnfRoleStatus;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFRoleStatus;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SwitchConnection} does with each message the switch sends once it is active (on the
 * lane, run to completion): a reply completes its request; a PACKET_IN (parsed), PORT_STATUS,
 * FLOW_REMOVED or ERROR (with the request it refused) becomes an event on the bus; a role status
 * (the switch demoted us) goes to the {@link ConnectionRole}. Whatever the
 * switch got wrong is counted as a {@link PeerFault}; a message we fail to handle is dropped, the
 * switch stays.
 */
final class SwitchInput {
    private static final Logger log = LoggerFactory.getLogger(SwitchInput.class);

    private final SwitchConnection conn;
    private final EventBus bus;
    private final SwitchPorts ports;
    private final PendingRequests pending;
    private final ConnectionRole role;
    private final SwitchOutput output;
    private final SwitchCounters counters;

    SwitchInput(SwitchConnection conn, EventBus bus, SwitchPorts ports, PendingRequests pending, ConnectionRole role,
                SwitchOutput output, SwitchCounters counters) {
        this.conn = conn;
        this.bus = bus;
        this.ports = ports;
        this.pending = pending;
        this.role = role;
        this.output = output;
        this.counters = counters;
    }

    void handle(OFMessage m) {
        try {
            dispatch(m);
        } catch (RuntimeException e) {
            // Our bug, or Loxi's, on what a switch sent: lose this message, keep the switch.
            conn.faults().record(PeerFault.UNEXPECTED, m.getType() + " xid " + m.getXid() + " could not be handled: " + e);
            log.debug("{} handling {} failed", conn.id(), m.getType(), e);
        }
    }

    private void dispatch(OFMessage m) {
        OFMessage request = pending.complete(m);
        if (request != null) {
            if (m instanceof OFErrorMsg e) {
                error(e, request);
            }
            return;
        }
        switch (m.getType()) {
            case PACKET_IN -> {
                if (role.passesOn()) {
                    packetIn((OFPacketIn) m);
                }
            }
            case PORT_STATUS -> portStatus((OFPortStatus) m);
            case FLOW_REMOVED -> {
                if (role.passesOn()) {
                    bus.dispatch(new FlowRemoved(conn, (OFFlowRemoved) m));
                }
            }
            case ERROR -> error((OFErrorMsg) m, null);
            case ROLE_STATUS -> {
                OFRoleStatus rs = (OFRoleStatus) m;
                role.reported(rs.getRole(), rs.getGenerationId().getValue(), rs.getReason().toString());
            }
            case EXPERIMENTER -> {
                if (m instanceof OnfRoleStatus rs) {
                    role.reported(rs.role(), rs.generationId().getValue(), rs.reasonName());
                } else {
                    log.debug("{} unsolicited {} xid {} ignored", conn.id(), m.getType(), m.getXid());
                }
            }
            case STATS_REPLY -> conn.faults().record(PeerFault.UNEXPECTED, "a " + m.getType()
                    + " nobody asked for, xid " + m.getXid());
            default -> log.debug("{} unsolicited {} xid {} ignored", conn.id(), m.getType(), m.getXid());
        }
    }

    private void packetIn(OFPacketIn pi) {
        counters.packetIn();
        Optional<Ethernet> frame = Ethernet.parse(pi.getData());
        if (frame.isEmpty()) {
            conn.faults().record(PeerFault.PACKET_IN_DROPPED, pi.getData().length
                    + " bytes of data, not an Ethernet frame");
            return;
        }
        OFVersion version = conn.version();
        OFPort in = version == OFVersion.OF_10 || version == OFVersion.OF_11
                ? pi.getInPort() : pi.getMatch().get(MatchField.IN_PORT);
        if (in == null) {
            conn.faults().record(PeerFault.PACKET_IN_DROPPED, "no in_port in its match");
            return;
        }
        Ethernet eth = frame.get();
        if (eth.unparsed().isPresent()) {
            // Still given to the apps: they see what did parse (addresses, VLAN, EtherType).
            conn.faults().record(PeerFault.UNPARSED_FRAME, eth.unparsed().get() + " (EtherType " + eth.ethType() + ")");
        }
        bus.dispatch(new PacketIn(conn, pi, in, eth));
    }

    private void portStatus(OFPortStatus ps) {
        OFPortDesc desc = ps.getDesc();
        Optional<OFPortDesc> previous = ports.apply(ps);
        log.debug("{} port {} {} ({})", conn.id(), desc.getPortNo(), ps.getReason(), desc.getName());
        bus.dispatch(new PortStatusChanged(conn, ps.getReason(), desc, previous));
    }

    private void error(OFErrorMsg e, OFMessage request) {
        counters.error();
        OFMessage req = request != null ? request : output.sent(e.getXid());
        log.warn("{} error {} for {} xid {}", conn.id(), ErrorText.describe(e),
                req == null ? "an unknown request" : req.getType(), e.getXid());
        bus.dispatch(new ErrorReceived(conn, e, Optional.ofNullable(req)));
    }
}
