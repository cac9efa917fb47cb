package dev.weft.api;

/** What an event handler tells the dispatcher: let later apps see the event, or end the chain. */
public enum Disposition {
    /** Let the next app in the chain handle the event. */
    CONTINUE,
    /** The event has been dealt with; apps later in the chain do not see it. */
    STOP
}
