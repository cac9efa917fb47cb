package dev.weft.api.topology;

/** What the topology knows about a switch port. */
public enum PortRole {
    /**
     * A working port with no switch behind it (as far as discovery can tell): hosts attach here,
     * floods go out of it.
     */
    EDGE,
    /** One end of a discovered link to another switch port. Hosts are never learned here. */
    INTER_SWITCH,
    /**
     * A port that came up (or whose switch connected) so recently that discovery has not yet had
     * the time to find a link behind it ({@code topology: edge-grace}). Hosts may be learned here
     * (a migrated VM must be found at once), but floods do not go out of it yet: if a switch is
     * behind it, flooding into it could loop.
     */
    PENDING,
    /** Not a known, working, numbered port of a connected switch (down, reserved, unknown). */
    NONE
}
