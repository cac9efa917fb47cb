package dev.weft.core.openflow;

import io.netty.channel.Channel;

/** Turns a completed handshake into a live switch. */
interface SwitchActivator {
    /** Called on the channel's I/O thread when the handshake is done. */
    SwitchConnection activate(Channel channel, HandshakeResult result);
}
