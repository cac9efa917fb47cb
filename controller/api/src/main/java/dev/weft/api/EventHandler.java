package dev.weft.api;

import dev.weft.api.event.Event;

/**
 * Handles one type of event. A handler that throws is treated as {@link Disposition#STOP}
 * (fail closed): the exception is logged with the app's name and counted, and later apps do
 * not see the event.
 */
@FunctionalInterface
public interface EventHandler<E extends Event> {
    Disposition handle(E event) throws Exception;
}
