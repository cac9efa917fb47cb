package dev.weft.api.topology;

/**
 * The physical network as discovered by the controller (LLDP probes on every port). Get it with
 * {@code ctx.service(TopologyService.class)}. Safe to call from any thread; cheap (a volatile
 * read), so a packet-in handler may call it for every packet.
 */
public interface TopologyService {

    /**
     * The latest snapshot. Snapshots are immutable; a new one (with a higher
     * {@link Topology#version()}) replaces it whenever a switch, port role or link changes, and
     * before the {@link dev.weft.api.event.LinkAdded} / {@link dev.weft.api.event.LinkRemoved}
     * event that announces the change is delivered.
     */
    Topology current();
}
