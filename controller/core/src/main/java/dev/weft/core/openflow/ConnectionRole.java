package dev.weft.core.openflow;

import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRoleReply;
import org.projectfloodlight.openflow.protocol.OFRoleReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This controller's role on one {@link SwitchConnection} (master, slave or equal) and what the
 * role holds back: a slave sends nothing that changes the switch ({@link SlaveGate}) and passes no
 * packet-in or flow-removed on to the apps; both are counted. The role changes when the switch
 * answers a ROLE_REQUEST (only the latest request's answer counts; a failed one leaves us a slave),
 * and every change is reported to the {@link SwitchManager}. Written on the lane only.
 */
final class ConnectionRole {
    private static final Logger log = LoggerFactory.getLogger(ConnectionRole.class);

    private final SwitchConnection conn;
    private final SwitchManager manager;
    private volatile SwitchRole role;
    /** Bumped by every role request; only the latest one's answer sets the role. */
    private int requests;
    private volatile long gatedOut;
    private volatile long gatedIn;

    ConnectionRole(SwitchConnection conn, SwitchManager manager, SwitchRole initial) {
        this.conn = conn;
        this.manager = manager;
        this.role = initial;
    }

    SwitchRole get() {
        return role;
    }

    /** Whether {@code m} may not go out because we are a slave (then it is counted). */
    boolean holdsBack(OFMessage m) {
        if (role.writes() || !SlaveGate.changesSwitch(m)) {
            return false;
        }
        gatedOut++;
        log.debug("{} is a slave here: {} not sent", conn.id(), m.getType());
        return true;
    }

    /** Whether a packet-in or flow-removed goes on to the apps (not from a slave: the master answers it). */
    boolean passesOn() {
        if (role.writes()) {
            return true;
        }
        gatedIn++;
        return false;
    }

    /** Messages not sent because this connection is a slave. */
    long gatedOut() {
        return gatedOut;
    }

    /** Packet-ins and flow-removeds not passed on because this connection is a slave. */
    long gatedIn() {
        return gatedIn;
    }

    /** Lane, connection up: asks the switch for {@code want}; {@code result} gets the role it confirmed. */
    void request(SwitchRole want, long generation, CompletableFuture<SwitchRole> result) {
        int seq = ++requests;
        if (!want.writes()) {
            set(SwitchRole.SLAVE, "slave requested, generation " + generation); // stop writing first
        }
        CompletableFuture<? extends OFMessage> reply = conn.version() == OFVersion.OF_10
                ? conn.request(conn.factory().buildNiciraControllerRoleRequest().setRole(want.nicira()).build())
                : conn.request(conn.factory().buildRoleRequest().setRole(want.wire())
                        .setGenerationId(U64.of(generation)).build());
        reply.whenComplete((r, t) -> conn.onLane(() -> {
            if (t != null) {
                if (seq == requests) {
                    set(SwitchRole.SLAVE, "role request (" + want + ", generation " + generation
                            + ") failed: " + t.getMessage());
                }
                result.completeExceptionally(t);
                return;
            }
            SwitchRole got = r instanceof OFRoleReply rr
                    ? SwitchRole.of(rr.getRole())
                    : SwitchRole.of(((OFNiciraControllerRoleReply) r).getRole());
            if (seq == requests) {
                if (got == role && got == SwitchRole.MASTER) {
                    // Claimed again with a newer decision (e.g. after a demotion or a failover): say so.
                    log.debug("{} role MASTER: switch confirmed again, generation {}", conn.id(), generation);
                }
                set(got, "switch confirmed, generation " + generation);
            }
            result.complete(got);
        }));
    }

    /**
     * Lane: the switch says, unasked, what our role is now (ROLE_STATUS). A demotion is taken at
     * once (another controller is master: writing on would only be refused) and reported; this
     * instance is never made master by a status alone, only by its own confirmed request.
     */
    void reported(OFControllerRole now, long generation, String reason) {
        if (now != OFControllerRole.ROLE_SLAVE) {
            log.info("{} role status from the switch: {} ({}, generation {}); not acted on, this connection stays {}",
                    conn.id(), now, reason, Long.toUnsignedString(generation), role);
            return;
        }
        if (role == SwitchRole.SLAVE) {
            return;
        }
        set(SwitchRole.SLAVE, "the switch made another controller master (" + reason + ", generation "
                + Long.toUnsignedString(generation) + ")");
        manager.demoted(conn, generation);
    }

    private void set(SwitchRole next, String why) {
        if (role == next) {
            return;
        }
        role = next;
        log.info("{} role {}: {}", conn.id(), next, why);
        manager.roleChanged(conn, next);
    }
}
