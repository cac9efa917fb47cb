package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRole;

/**
 * This instance's OpenFlow role on one switch connection. {@link #EQUAL} is what every
 * connection has when Weft runs alone (no role request is ever sent); in a cluster a connection
 * starts as {@link #SLAVE} on our side and becomes {@link #MASTER} only when the cluster grants it
 * and the switch confirms it. A slave connection never changes the switch (no FLOW_MOD, GROUP_MOD,
 * PACKET_OUT, ...) and its PACKET_INs are not given to the apps.
 */
public enum SwitchRole {
    EQUAL, MASTER, SLAVE;

    /** Whether a connection in this role may change the switch and answer its packets. */
    public boolean writes() {
        return this != SLAVE;
    }

    OFControllerRole wire() {
        return switch (this) {
            case EQUAL -> OFControllerRole.ROLE_EQUAL;
            case MASTER -> OFControllerRole.ROLE_MASTER;
            case SLAVE -> OFControllerRole.ROLE_SLAVE;
        };
    }

    OFNiciraControllerRole nicira() {
        return switch (this) {
            case EQUAL -> OFNiciraControllerRole.ROLE_OTHER;
            case MASTER -> OFNiciraControllerRole.ROLE_MASTER;
            case SLAVE -> OFNiciraControllerRole.ROLE_SLAVE;
        };
    }

    static SwitchRole of(OFControllerRole r) {
        return switch (r) {
            case ROLE_MASTER -> MASTER;
            case ROLE_SLAVE -> SLAVE;
            default -> EQUAL;
        };
    }

    static SwitchRole of(OFNiciraControllerRole r) {
        return switch (r) {
            case ROLE_MASTER -> MASTER;
            case ROLE_SLAVE -> SLAVE;
            default -> EQUAL;
        };
    }
}
