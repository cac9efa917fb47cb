package dev.weft.api.event;

/**
 * Everything the controller tells apps about. Events are immutable records; the hierarchy is
 * sealed so that a {@code switch} over it is checked by the compiler.
 *
 * <p>Threads: a {@link SwitchEvent} is delivered on its switch's dispatch thread, in order with
 * that switch's other events; a {@link NetworkEvent} (links, hosts) on the single control thread,
 * in order with the other network events.
 */
public sealed interface Event permits SwitchEvent, NetworkEvent {
}
