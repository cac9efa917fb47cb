package dev.weft.api;

import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A connected OpenFlow switch. Build messages with {@link #factory()}, the factory of the
 * version negotiated with this switch, never a hard-coded one.
 *
 * <p>All methods are safe to call from any thread. Messages sent from the switch's own dispatch
 * thread while it handles a batch of input are written with one flush at the end of the batch;
 * messages sent from other threads are handed to the dispatch thread, so everything sent to one
 * switch leaves in the order it was sent from that thread.
 */
public interface Switch {

    DatapathId id();

    OFVersion version();

    OFFactory factory();

    OFFeaturesReply features();

    /** The switch's ports, kept current from PORT_STATUS messages. */
    Collection<OFPortDesc> ports();

    Optional<OFPortDesc> port(OFPort number);

    Optional<OFPortDesc> port(String name);

    SocketAddress remoteAddress();

    Instant connectedSince();

    /** False once the connection has closed (or was replaced by a newer one with the same id). */
    boolean isConnected();

    /**
     * Send a message. A message with xid 0 is given a fresh xid. Nothing is sent once the switch
     * has disconnected. If the switch answers with an ERROR, an
     * {@link dev.weft.api.event.ErrorReceived} event names this message.
     */
    void send(OFMessage message);

    /**
     * Send a request and complete with its reply (matched by xid). Completes exceptionally with
     * {@link SwitchErrorException} if the switch answers with an ERROR, with
     * {@link java.util.concurrent.TimeoutException} after the default request timeout, and with
     * {@link SwitchDisconnectedException} if the connection closes first. For multipart
     * (statistics) requests use {@link #requestStats(OFStatsRequest)}.
     */
    <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request);

    <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request, Duration timeout);

    /** Send a multipart request and complete with all of its reply parts, in order. */
    <R extends OFStatsReply> CompletableFuture<List<R>> requestStats(OFStatsRequest<R> request);

    /** Send a BARRIER_REQUEST; completes when the switch has processed everything sent before it. */
    CompletableFuture<OFBarrierReply> barrier();

    /** Run a task on this switch's dispatch thread, in order with its events. */
    void execute(Runnable task);

    /**
     * Run a task now when called on this switch's dispatch thread (its output goes with the batch
     * being handled), else as {@link #execute}.
     */
    default void executeHere(Runnable task) {
        execute(task);
    }
}
