package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRoleRequest;

/**
 * What a slave connection may send: requests that read the switch, keepalives, barriers and role
 * requests. Everything that changes the switch or sends packets is what OpenFlow 1.3 (6.3.7) has
 * a switch refuse from a slave; we do not send it in the first place.
 */
final class SlaveGate {
    private SlaveGate() {
    }

    static boolean changesSwitch(OFMessage m) {
        return switch (m.getType()) {
            case FLOW_MOD, GROUP_MOD, PORT_MOD, TABLE_MOD, METER_MOD, PACKET_OUT, SET_CONFIG, BUNDLE_CONTROL,
                    BUNDLE_ADD_MESSAGE -> true;
            case EXPERIMENTER -> !(m instanceof OFNiciraControllerRoleRequest);
            default -> false;
        };
    }
}
