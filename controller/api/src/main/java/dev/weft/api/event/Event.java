package dev.weft.api.event;

/**
 * Everything the controller tells apps about. Events are immutable records; the hierarchy is
 * sealed so that a {@code switch} over it is checked by the compiler.
 */
public sealed interface Event permits SwitchEvent, ConfigChanged, LogicalPortLocated, TransportNodeChanged {
}
