package dev.weft.sim.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A tiny controller on loopback, written with Loxi and Netty, that answers every packet-in in
 * one fixed way, so that tests can check what the bench counts.
 */
final class FakeController implements AutoCloseable {

    /** How the controller answers a packet-in. */
    enum Answer {
        FLOW_MOD_ADD(1),
        FLOW_MOD_MODIFY_STRICT(1),
        FLOW_MOD_MODIFY(0),
        FLOW_MOD_DELETE(0),
        PACKET_OUT(1),
        PACKET_OUT_LLDP(0),
        PACKET_OUT_VLAN_LLDP(0),
        FLOW_MOD_ADD_AND_PACKET_OUT(2),
        NOTHING(0),
        /** Closes the connection on the first packet-in. */
        HANG_UP(0);

        /** Responses cbench counts per packet-in. */
        final int counted;

        Answer(int counted) {
            this.counted = counted;
        }
    }

    /** How far the controller takes the handshake. */
    enum Handshake {
        /** HELLO, FEATURES_REQUEST. */
        NORMAL,
        /** HELLO only: the switches never get a FEATURES_REQUEST. */
        NEVER_ASK_FEATURES
    }

    static {
        // Load Loxi's classes for both versions now, so that the first answers in a test are
        // not late by a class-loading pause (a late answer is counted in the next test).
        for (OFVersion version : List.of(OFVersion.OF_10, OFVersion.OF_13)) {
            OFFactory factory = OFFactories.getFactory(version);
            try {
                for (OFMessage message : List.of(Messages.flowMod(factory, OFFlowModCommand.ADD),
                        Messages.packetOut(factory, 1, Messages.ipv4Frame()),
                        PacketInTemplate.packetIn(factory, OFPort.of(1), OFBufferId.NO_BUFFER, Messages.ipv4Frame()))) {
                    OFFactories.getGenericReader().readFrom(Messages.encode(message));
                }
            } catch (org.projectfloodlight.openflow.exceptions.OFParseError e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final Answer answer;
    private final Handshake handshake;
    private final OFVersion maxVersion;
    private final NioEventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("fake-controller", true));
    private final Channel server;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong packetIns = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    /** When each packet-in was read ({@link System#nanoTime()}). */
    private final java.util.Queue<Long> packetInTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** How long each answer waits before it is sent (0: at once). */
    private volatile long answerDelayNanos;

    /**
     * Load and link the Loxi classes this controller decodes and encodes before any bench window
     * opens: on a loaded machine, doing it inside the first 100 ms window left runs with no answer.
     */
    private static void warmUp() {
        for (OFVersion v : List.of(OFVersion.OF_10, OFVersion.OF_13)) {
            OFFactory f = OFFactories.getFactory(v);
            ByteBuf buf = io.netty.buffer.Unpooled.buffer();
            try {
                PacketInTemplate.probe(f, org.projectfloodlight.openflow.types.DatapathId.of(1)).writeTo(buf, 7, -1, 0);
                OFMessage m = OFFactories.getGenericReader().readFrom(buf);
                buf.clear();
                Messages.flowMod(f, OFFlowModCommand.ADD, m.getXid(), OFBufferId.NO_BUFFER,
                        List.of(f.actions().output(OFPort.of(2), 0xFFFF))).writeTo(buf);
                buf.clear();
                Messages.packetOut(f, m.getXid(), new byte[64]).writeTo(buf);
            } catch (Exception e) {
                throw new IllegalStateException("warm-up failed", e);
            } finally {
                buf.release();
            }
        }
    }

    FakeController(Answer answer) throws InterruptedException {
        this(answer, Handshake.NORMAL, OFVersion.OF_13);
    }

    FakeController(Answer answer, Handshake handshake, OFVersion maxVersion) throws InterruptedException {
        warmUp();
        this.answer = answer;
        this.handshake = handshake;
        this.maxVersion = maxVersion;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(0xFFFF, 2, 2, -4, 0),
                                new Connection());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** When each packet-in was read, in order ({@link System#nanoTime()}). */
    List<Long> packetInTimes() {
        return List.copyOf(packetInTimes);
    }

    /** From now on each answer is sent {@code millis} after its packet-in was read: a slow controller. */
    void delayAnswers(long millis) {
        answerDelayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    long packetInsReceived() {
        return packetIns.get();
    }

    long connectionsAccepted() {
        return accepted.get();
    }

    int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        private OFFactory factory = OFFactories.getFactory(maxVersion);

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx, factory.buildHello().setXid(1).build());
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
            OFMessage message = OFFactories.getGenericReader().readFrom(frame);
            if (message.getType() == OFType.HELLO) {
                OFVersion negotiated = message.getVersion().compareTo(maxVersion) < 0 ? message.getVersion() : maxVersion;
                factory = OFFactories.getFactory(negotiated);
                if (handshake == Handshake.NORMAL) {
                    send(ctx, factory.buildFeaturesRequest().setXid(2).build());
                }
            } else if (message.getType() == OFType.PACKET_IN) {
                packetIns.incrementAndGet();
                packetInTimes.add(System.nanoTime());
                long delay = answerDelayNanos;
                if (delay > 0) {
                    ctx.executor().schedule(() -> {
                        answer(ctx, (OFPacketIn) message);
                        ctx.flush();
                    }, delay, TimeUnit.NANOSECONDS);
                } else {
                    answer(ctx, (OFPacketIn) message);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void answer(ChannelHandlerContext ctx, OFPacketIn packetIn) {
            switch (answer) {
                case FLOW_MOD_ADD -> send(ctx, flowMod(packetIn, OFFlowModCommand.ADD));
                case FLOW_MOD_MODIFY_STRICT -> send(ctx, flowMod(packetIn, OFFlowModCommand.MODIFY_STRICT));
                case FLOW_MOD_MODIFY -> send(ctx, flowMod(packetIn, OFFlowModCommand.MODIFY));
                case FLOW_MOD_DELETE -> send(ctx, flowMod(packetIn, OFFlowModCommand.DELETE));
                case PACKET_OUT -> send(ctx, Messages.packetOut(factory, packetIn.getXid(), packetIn.getData()));
                case PACKET_OUT_LLDP -> send(ctx, Messages.packetOut(factory, packetIn.getXid(), Messages.lldpFrame(false)));
                case PACKET_OUT_VLAN_LLDP -> send(ctx, Messages.packetOut(factory, packetIn.getXid(), Messages.lldpFrame(true)));
                case FLOW_MOD_ADD_AND_PACKET_OUT -> {
                    send(ctx, flowMod(packetIn, OFFlowModCommand.ADD));
                    send(ctx, Messages.packetOut(factory, packetIn.getXid(), packetIn.getData()));
                }
                case NOTHING -> { }
                case HANG_UP -> ctx.close();
                default -> throw new AssertionError(answer);
            }
        }

        private OFMessage flowMod(OFPacketIn packetIn, OFFlowModCommand command) {
            List<OFAction> output = List.of(factory.actions().output(OFPort.of(2), 0xFFFF));
            return Messages.flowMod(factory, command, packetIn.getXid(), OFBufferId.NO_BUFFER, output);
        }

        private void send(ChannelHandlerContext ctx, OFMessage message) {
            ByteBuf buf = ctx.alloc().buffer();
            message.writeTo(buf);
            ctx.write(buf);
        }
    }
}
