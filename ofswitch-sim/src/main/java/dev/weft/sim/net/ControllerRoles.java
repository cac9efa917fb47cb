package dev.weft.sim.net;

import java.util.LinkedHashMap;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.types.U64;

/**
 * A switch's side of controller roles over several connections (OpenFlow 1.3, 6.3.7): every
 * connection starts EQUAL; at most one is MASTER (a new master turns the old one into a slave); a
 * MASTER or SLAVE request whose generation id is older than the newest seen (compared as a signed
 * 64-bit distance) is stale and refused; slaves may not change the switch and get no PACKET_IN or
 * FLOW_REMOVED. Not thread-safe: the switch's loop only.
 *
 * @param <C> what identifies a connection
 */
final class ControllerRoles<C> {
    private final Map<C, OFControllerRole> roles = new LinkedHashMap<>();
    private boolean generationDefined;
    private long generation;

    void connected(C c) {
        roles.put(c, OFControllerRole.ROLE_EQUAL);
    }

    void disconnected(C c) {
        roles.remove(c);
    }

    OFControllerRole role(C c) {
        return roles.getOrDefault(c, OFControllerRole.ROLE_EQUAL);
    }

    U64 generation() {
        return U64.of(generation);
    }

    /** Applies a role request; false when its generation id is stale (nothing changes then). */
    boolean request(C c, OFControllerRole want, U64 gen) {
        if (want == OFControllerRole.ROLE_NOCHANGE) {
            return true;
        }
        if (want == OFControllerRole.ROLE_MASTER || want == OFControllerRole.ROLE_SLAVE) {
            if (generationDefined && gen.getValue() - generation < 0) {
                return false;
            }
            generationDefined = true;
            generation = gen.getValue();
        }
        if (want == OFControllerRole.ROLE_MASTER) {
            roles.replaceAll((k, r) -> r == OFControllerRole.ROLE_MASTER ? OFControllerRole.ROLE_SLAVE : r);
        }
        roles.put(c, want);
        return true;
    }

    /** Whether {@code c} may send {@code m} (a slave may not change the switch or send packets). */
    boolean accepts(C c, OFMessage m) {
        if (role(c) != OFControllerRole.ROLE_SLAVE) {
            return true;
        }
        return switch (m.getType()) {
            case FLOW_MOD, GROUP_MOD, PORT_MOD, TABLE_MOD, METER_MOD, PACKET_OUT, BUNDLE_CONTROL, BUNDLE_ADD_MESSAGE -> false;
            default -> true;
        };
    }

    /** Whether {@code c} gets the asynchronous message of {@code type}. */
    boolean receives(C c, OFType type) {
        return type == OFType.PORT_STATUS || role(c) != OFControllerRole.ROLE_SLAVE;
    }

    Map<C, OFControllerRole> snapshot() {
        return Map.copyOf(roles);
    }
}
