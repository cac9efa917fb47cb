package dev.weft.sim.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated switch: the only handler of its channel. It frames what the controller sends,
 * counts responses straight from the bytes, answers control messages through a
 * {@link ControlResponder}, and sends probes (packet-ins) while a test window is open.
 *
 * <p>All state is confined to the channel's event loop; the coordinator talks to it through
 * {@link #openWindow()} and {@link #closeWindow()}, which hop onto that loop.
 */
final class BenchSwitch extends ByteToMessageDecoder {

    /**
     * cbench's BUFLEN: throughput mode keeps at most this many bytes of probes queued, and by
     * default at most this many bytes of probes unanswered.
     */
    static final int THROUGHPUT_QUEUE_BYTES = 65_536;
    /**
     * Throughput mode tops the queue up once this much of it has drained, not after every probe
     * (as cbench's busy loop does): the pipe stays full either way, and a slow controller no
     * longer costs the bench a write system call per response.
     */
    static final int THROUGHPUT_TOP_UP_BYTES = THROUGHPUT_QUEUE_BYTES / 4;

    private static final Logger LOG = LoggerFactory.getLogger(BenchSwitch.class);
    private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();
    private static final int TYPE_HELLO = 0;
    private static final int TYPE_EXPERIMENTER = 4;

    /** What one switch counted in one test window. */
    record WindowCount(long responses, long packetInsSent, long openedAtNanos, long closedAtNanos) {
    }

    private final int number;
    private final DatapathId dpid;
    private final OFFactory factory;
    private final BenchMode mode;
    private final int macs;
    private final boolean learnDestination;
    private final PacketInTemplate probe;
    /** Throughput mode: probes sent (in any window) and not answered yet, at most. */
    private final int maxUnanswered;
    /** Throughput mode: send no fewer probes at once than this (a quarter of the queue or of the cap). */
    private final int topUpProbes;
    private final ControlResponder responder;
    private final LongSupplier nanoClock;
    private final Consumer<BenchException> failures;
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile boolean failed;

    // Event-loop confined from here on.
    private ChannelHandlerContext context;
    private boolean measuring;
    private int outstanding;
    private long responses;
    private long packetInsSent;
    private long openedAtNanos;
    private boolean flushNeeded;
    private int xid = 1;
    private int bufferId = 1;
    private int macIndex;
    /**
     * Latency mode: the one probe buffer, written again for each probe once the transport has
     * released it (it has been written to the socket). A pooled buffer taken and given back per
     * probe was a fifth of the bench thread's own (Java) time in JFR.
     */
    private ByteBuf latencyProbe;

    /**
     * @param number   1-based position among the switches, for messages
     * @param failures where to report what ends the run
     */
    BenchSwitch(int number, DatapathId dpid, OFFactory factory, BenchMode mode, int macs,
                boolean learnDestination, LongSupplier nanoClock, Consumer<BenchException> failures) {
        this(number, dpid, factory, mode, macs, learnDestination, ProbeFrame.UDP, nanoClock, failures);
    }

    /** @param frame the frame inside every probe */
    BenchSwitch(int number, DatapathId dpid, OFFactory factory, BenchMode mode, int macs,
                boolean learnDestination, ProbeFrame frame, LongSupplier nanoClock,
                Consumer<BenchException> failures) {
        this(number, dpid, factory, mode, macs, learnDestination, frame, 0, nanoClock, failures);
    }

    /**
     * @param maxUnanswered throughput mode: probes this switch may have sent and not had answered
     *                      in a window (0: {@link #THROUGHPUT_QUEUE_BYTES} worth of probes)
     */
    BenchSwitch(int number, DatapathId dpid, OFFactory factory, BenchMode mode, int macs,
                boolean learnDestination, ProbeFrame frame, int maxUnanswered, LongSupplier nanoClock,
                Consumer<BenchException> failures) {
        this.number = number;
        this.dpid = dpid;
        this.factory = factory;
        this.mode = mode;
        this.macs = macs;
        this.learnDestination = learnDestination;
        this.probe = PacketInTemplate.probe(factory, dpid, frame);
        this.maxUnanswered = maxUnanswered > 0 ? maxUnanswered : THROUGHPUT_QUEUE_BYTES / probe.length();
        this.topUpProbes = Math.max(1, Math.min(this.maxUnanswered / 4, THROUGHPUT_TOP_UP_BYTES / probe.length()));
        this.responder = new ControlResponder(factory, dpid);
        this.nanoClock = nanoClock;
        this.failures = failures;
    }

    /** Completes once the FEATURES_REPLY has been sent; fails if the switch is lost before. */
    CompletableFuture<Void> handshake() {
        return handshake;
    }

    /** The run is ending: a closed connection is expected from now on. */
    void markClosing() {
        closing = true;
    }

    /** Starts a test window: counters reset, probes start flowing. */
    void openWindow() {
        context.executor().execute(() -> openWindows(List.of(this)));
    }

    /**
     * On their event loop: starts a window for each of {@code switches} at one instant, then sends
     * their probes. One task for all the switches of a loop, not one each: Netty runs 64 tasks
     * between two turns of reads, and on a loaded bench a turn over a thousand switches took
     * hundreds of milliseconds, so the last switches' windows opened most of a second late (and
     * closed on time) and they counted nothing in the first test.
     */
    static void openWindows(List<BenchSwitch> switches) {
        long now = switches.isEmpty() ? 0 : switches.get(0).nanoClock.getAsLong();
        for (BenchSwitch sw : switches) {
            sw.startWindow(now);
        }
        for (BenchSwitch sw : switches) {
            sw.sendProbes();
            sw.flushIfNeeded();
        }
    }

    private void startWindow(long now) {
        measuring = true;
        if (mode == BenchMode.LATENCY) {
            outstanding = 0; // cbench: each test starts with a fresh probe
        }
        // Throughput mode keeps counting what is still unanswered from earlier tests: against a
        // controller slower than the bench, a fresh allowance per test would add another cap's
        // worth of probes to the pipe every test, without bound.

        responses = 0;
        packetInsSent = 0;
        openedAtNanos = now;
    }

    /** Ends the window: no more probes, and later responses are not counted. */
    CompletableFuture<WindowCount> closeWindow() {
        return CompletableFuture.supplyAsync(() -> closeWindows(List.of(this)).get(0), context.executor());
    }

    /** On their event loop: ends the windows of {@code switches} at one instant; their counts, in order. */
    static List<WindowCount> closeWindows(List<BenchSwitch> switches) {
        long now = switches.isEmpty() ? 0 : switches.get(0).nanoClock.getAsLong();
        List<WindowCount> counts = new java.util.ArrayList<>(switches.size());
        for (BenchSwitch sw : switches) {
            sw.measuring = false;
            counts.add(new WindowCount(sw.responses, sw.packetInsSent, sw.openedAtNanos, now));
        }
        return counts;
    }

    /** On the event loop: probes sent and not answered yet. */
    long unanswered() {
        return outstanding;
    }

    /** The event loop this switch's state lives on (once its channel is registered). */
    io.netty.util.concurrent.EventExecutor executor() {
        return context.executor();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // Like cbench, HELLO goes out first, without waiting for the controller's.
        write(ctx, factory.buildHello().setXid(nextXid()).build());
        flushIfNeeded();
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes()); // the connection is closing; nothing more to learn
            return;
        }
        while (in.readableBytes() >= OfWire.HEADER_LENGTH) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start + OfWire.OFFSET_LENGTH);
            if (length < OfWire.HEADER_LENGTH) {
                throw new CorruptedFrameException("OpenFlow message with length " + length);
            }
            if (in.readableBytes() < length) {
                return;
            }
            int type = in.getUnsignedByte(start + OfWire.OFFSET_TYPE);
            if (type == OfWire.TYPE_FLOW_MOD || type == OfWire.TYPE_PACKET_OUT) {
                if ((measuring || outstanding > 0) && ResponseClassifier.isCountedResponse(in, start, length)) {
                    countResponse();
                }
            } else {
                handleControl(ctx, in, start, length, type);
            }
            in.readerIndex(start + length);
        }
    }

    private void countResponse() {
        if (measuring) {
            responses++;
        }
        // cbench: "Got more responses than probes" resets the probe state to zero.
        if (outstanding > 0) {
            outstanding--;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        // As cbench, the next probe goes out after the whole read has been processed.
        sendProbes();
        flushIfNeeded();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            sendProbes();
            flushIfNeeded();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(new BenchException("switch " + number + " (dpid " + dpid + "): the controller closed the connection"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && !(cause instanceof CorruptedFrameException)
                && cause.getCause() != null) {
            cause = cause.getCause(); // what decode() threw
        }
        if (cause instanceof BenchException) {
            fail((BenchException) cause);
        } else {
            fail(new BenchException("switch " + number + " (dpid " + dpid + "): " + describe(cause), cause));
        }
        ctx.close();
    }

    /** Reports the first thing that went wrong with this switch; what follows from it is noise. */
    private void fail(BenchException failure) {
        if (failed) {
            return;
        }
        failed = true;
        measuring = false;
        handshake.completeExceptionally(failure);
        if (!closing) {
            failures.accept(failure);
        }
    }

    /**
     * What to send: latency mode keeps exactly one probe outstanding (cbench); throughput mode
     * tops the queue of unsent bytes up towards {@link #THROUGHPUT_QUEUE_BYTES} as cbench does
     * ({@code fakeswitch_handle_write}), but never past {@link #maxUnanswered} probes sent and not
     * answered (in this test or an earlier one). cbench has no such cap: against a controller
     * slower than the bench, its switches pile megabytes of probes into the sockets (the kernel's
     * buffers grow to {@code tcp_wmem}), which costs the machine's CPU and memory and measures how the controller
     * drains a backlog rather than how it serves its switches. With the cap, what a switch has in
     * flight is bounded however slow the controller is.
     */
    private void sendProbes() {
        if (!measuring) {
            return;
        }
        if (mode == BenchMode.LATENCY) {
            if (outstanding == 0) {
                writeProbes(1);
            }
        } else {
            long room = Math.min(context.channel().bytesBeforeUnwritable(), THROUGHPUT_QUEUE_BYTES);
            int count = (int) Math.min(room / probe.length(), maxUnanswered - outstanding);
            if (count >= topUpProbes) {
                writeProbes(count);
            }
        }
    }

    /** Throughput mode's cap on probes unanswered in a window. */
    int maxUnanswered() {
        return maxUnanswered;
    }

    private void writeProbes(int count) {
        ByteBuf batch = count == 1 && mode == BenchMode.LATENCY ? reusableProbeBuffer()
                : context.alloc().directBuffer(count * probe.length());
        for (int i = 0; i < count; i++) {
            probe.writeTo(batch, nextXid(), bufferId, macIndex);
            bufferId = (bufferId + 1) % PacketInTemplate.BUFFER_IDS;
            macIndex = macIndex + 1 == macs ? 0 : macIndex + 1;
        }
        outstanding += count;
        packetInsSent += count;
        context.write(batch, context.voidPromise());
        flushNeeded = true;
    }

    /**
     * The latency-mode probe buffer, retained for the write, when nobody else holds it any more;
     * a fresh buffer when the previous probe is still queued (not written to the socket yet).
     */
    private ByteBuf reusableProbeBuffer() {
        if (latencyProbe == null) {
            latencyProbe = context.alloc().directBuffer(probe.length(), probe.length());
        } else if (latencyProbe.refCnt() != 1) {
            return context.alloc().directBuffer(probe.length());
        }
        return latencyProbe.clear().retain();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (latencyProbe != null) {
            latencyProbe.release();
            latencyProbe = null;
        }
    }

    private void handleControl(ChannelHandlerContext ctx, ByteBuf in, int start, int length, int type) {
        if (type == TYPE_HELLO) {
            responder.checkHello(in.getUnsignedByte(start + OfWire.OFFSET_VERSION));
            return;
        }
        OFMessage message = decode(in.slice(start, length), type);
        if (message != null) {
            apply(ctx, responder.react(message));
        } else if (type == TYPE_EXPERIMENTER) {
            byte[] bytes = new byte[length];
            in.getBytes(start, bytes);
            apply(ctx, responder.reactToUndecodedExperimenter(in.getUnsignedInt(start + OfWire.OFFSET_XID), bytes));
        }
    }

    /** Full decoding, for control messages only; null for what Loxi cannot read. */
    private OFMessage decode(ByteBuf frame, int type) {
        try {
            return READER.readFrom(frame);
        } catch (OFParseError | RuntimeException e) {
            LOG.debug("{}: a message of type {} that Loxi cannot decode: {}", dpid, type, e.toString());
            return null;
        }
    }

    private void apply(ChannelHandlerContext ctx, ControlResponder.Reaction reaction) {
        for (OFMessage reply : reaction.replies()) {
            write(ctx, reply);
        }
        switch (reaction.probeEffect()) {
            case RESEND_IF_ONE_OUTSTANDING:
                if (mode == BenchMode.LATENCY && outstanding == 1) {
                    outstanding = 0;
                }
                break;
            case CLEAR_OUTSTANDING:
                if (mode == BenchMode.LATENCY) { // throughput mode's count is its cap: kept
                    outstanding = 0;
                }
                break;
            default:
                break;
        }
        if (reaction.featuresReplied()) {
            if (learnDestination) {
                // cbench's LEARN_DSTMAC step: announce the probes' destination on port 2.
                byte[] arp = PacketInTemplate.destinationAnnouncement(dpid);
                write(ctx, PacketInTemplate.packetIn(factory, BenchAddresses.DESTINATION_PORT,
                        OFBufferId.NO_BUFFER, arp).createBuilder().setXid(nextXid()).build());
            }
            handshake.complete(null);
        }
    }

    private void write(ChannelHandlerContext ctx, OFMessage message) {
        ByteBuf buf = ctx.alloc().buffer();
        message.writeTo(buf);
        ctx.write(buf, ctx.voidPromise());
        flushNeeded = true;
    }

    private void flushIfNeeded() {
        if (flushNeeded) {
            flushNeeded = false;
            context.flush();
        }
    }

    private int nextXid() {
        return xid++;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof CorruptedFrameException) {
            return "the controller sent a malformed message (" + cause.getMessage() + ")";
        }
        if (cause instanceof IOException) {
            return "connection error: " + cause.getMessage();
        }
        return cause.toString();
    }
}
