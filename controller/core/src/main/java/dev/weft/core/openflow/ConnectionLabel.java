package dev.weft.core.openflow;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * How logs name a connection: its remote address until the handshake learns the datapath id,
 * then the datapath id. Stored on the channel so every handler prints the same name.
 */
final class ConnectionLabel {
    private static final AttributeKey<String> KEY = AttributeKey.valueOf("weft.label");

    private ConnectionLabel() {
    }

    static String of(Channel ch) {
        String l = ch.attr(KEY).get();
        return l != null ? l : String.valueOf(ch.remoteAddress());
    }

    static void set(Channel ch, String label) {
        ch.attr(KEY).set(label);
    }
}
