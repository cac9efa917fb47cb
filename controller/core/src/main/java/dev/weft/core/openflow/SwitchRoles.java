package dev.weft.core.openflow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Roles of this instance on the switches connected to it: how a cluster extension makes this
 * instance master or slave of a switch. Without a cluster nobody calls it and every connection
 * stays {@link SwitchRole#EQUAL}.
 */
public interface SwitchRoles {

    /** This instance's role on the switch's current connection, if it is connected. */
    Optional<SwitchRole> role(DatapathId dpid);

    /**
     * Ask the switch to make this connection {@code role} with {@code generation} (OpenFlow 1.3+
     * ROLE_REQUEST; the Nicira role extension on 1.0, which has no generation id). Becoming a slave
     * takes effect on our side at once, before the request is sent; becoming master only when the
     * switch confirms it. Completes with the role the switch reports; fails when the switch is not
     * connected or refuses (a stale generation id: another instance has a newer claim), in which
     * case the connection is a slave.
     */
    CompletableFuture<SwitchRole> request(DatapathId dpid, SwitchRole role, long generation);

    /** Be told (on the switch's lane) whenever a connection's role changes on our side. */
    void onChange(BiConsumer<DatapathId, SwitchRole> listener);

    /**
     * Be told (on the switch's lane) when a switch says, unasked, that it made this connection a
     * slave (OpenFlow 1.4 ROLE_STATUS, Open vSwitch's ONF extension on 1.3): another controller
     * became master, with the generation id given. The connection is a slave on our side by then;
     * a cluster reads who should be master again. Switches on 1.0, and some on 1.3, never say it.
     */
    void onDemoted(BiConsumer<DatapathId, Long> listener);
}
