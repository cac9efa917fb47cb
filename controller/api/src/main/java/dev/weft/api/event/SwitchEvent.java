package dev.weft.api.event;

import dev.weft.api.Switch;

/** An event about one switch; delivered on that switch's dispatch thread, in order. */
public sealed interface SwitchEvent extends Event
        permits SwitchConnected, SwitchDisconnected, PortStatusChanged, PacketIn, FlowRemoved, ErrorReceived {
    Switch sw();
}
