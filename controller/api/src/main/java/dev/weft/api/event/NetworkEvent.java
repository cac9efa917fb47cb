package dev.weft.api.event;

/**
 * An event about the network as a whole rather than one switch: links and hosts, the tenant
 * configuration, logical ports located and migrated, transport nodes.
 *
 * <p>Threading: network events are delivered on the controller's single <em>control</em> thread
 * ({@code weft-control}), one at a time, in the order they happened. An app that keeps state
 * about links or hosts and touches it only from handlers of network events needs no locks for
 * it. That thread is not any switch's dispatch thread: to change a switch's per-switch app state
 * from there, hop with {@link dev.weft.api.Switch#execute(Runnable)}; sending messages with
 * {@link dev.weft.api.Switch#send} is safe from any thread. The snapshots
 * ({@link dev.weft.api.topology.TopologyService#current()}, the host service) already reflect an
 * event when it is delivered.
 */
public sealed interface NetworkEvent extends Event
        permits LinkAdded, LinkRemoved, HostAdded, HostMoved, HostRemoved, HostFlapping,
        ConfigChanged, LogicalPortLocated, TransportNodeChanged, InterfaceChanged, LogicalPortMoved,
        LogicalPortFlapping {
}
