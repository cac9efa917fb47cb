package dev.weft.rest;

import io.netty.channel.Channel;

/**
 * The source of a server-sent event stream ({@link Reply#events}). It is handed the connection
 * once the answer's head is written, writes {@code HttpContent} chunks to it from any thread
 * (Netty hands them to the connection's event loop) and closes it when done. It must never
 * wait for the client: a connection that stops taking what is written ({@code !isWritable()})
 * should be closed, not waited for.
 */
@FunctionalInterface
public interface EventStream {
    void open(Channel channel);
}
