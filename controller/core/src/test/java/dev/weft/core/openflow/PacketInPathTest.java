package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.fakes.FakeSwitch;
import dev.weft.sim.packet.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The packet-in path is run to completion: what one read brings is decoded, handed to the apps
 * and answered on the thread that read it, before the read returns, with one flush for all the
 * answers (no hand-off to another thread, no flush per message: each would cost a wake-up or a
 * system call per packet-in).
 */
class PacketInPathTest {
    private final Dispatcher dispatcher = new Dispatcher(1);
    private final RecordingBus rec = new RecordingBus();
    private final SwitchManager manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(2));
    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
    private int flushes;
    private int writes;

    @AfterEach
    void tearDown() {
        dispatcher.close();
    }

    /** A 1.0 switch past its handshake, on an embedded channel whose flushes are counted. */
    private EmbeddedChannel activeSwitch() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addFirst("count", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                writes++;
                ctx.write(msg, promise);
            }

            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes++;
                ctx.flush();
            }
        });
        OpenFlowServer.initPipeline(ch.pipeline(), new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(15), true), manager, Clock.systemUTC());
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(f.buildHello().build()));
        OFFeaturesRequest fr = (OFFeaturesRequest) Wire.drain(ch).stream().filter(m -> m instanceof OFFeaturesRequest)
                .findFirst().orElseThrow();
        List<org.projectfloodlight.openflow.protocol.OFPortDesc> ports = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            ports.add(FakeSwitch.portDesc(f, OFPort.of(i), "p" + i, false));
        }
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DatapathId.of(7))
                .setNTables((short) 1).setPorts(ports).build()));
        OFBarrierRequest br = (OFBarrierRequest) Wire.drain(ch).stream().filter(m -> m instanceof OFBarrierRequest)
                .findFirst().orElseThrow();
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(br.getXid()).build()));
        rec.next(SwitchConnected.class);
        Wire.drain(ch);
        return ch;
    }

    private OFPacketIn packetIn(int i) {
        byte[] frame = Frames.from(MacAddress.of(0x10 + i), IPv4Address.of(10, 0, 0, 1 + i))
                .arpRequest(IPv4Address.of(10, 0, 0, 100));
        return f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setBufferId(OFBufferId.NO_BUFFER)
                .setInPort(OFPort.of(1)).setData(frame).build();
    }

    @Test
    void packetInsOfOneReadAreAnsweredOnTheReadingThreadWithOneFlush() throws Exception {
        List<Thread> handledOn = new ArrayList<>();
        rec.bus.subscribe(new AppHandle("answer", 1), PacketIn.class, e -> {
            handledOn.add(Thread.currentThread());
            OFFactory sf = e.sw().factory();
            List<org.projectfloodlight.openflow.protocol.action.OFAction> out =
                    List.of(sf.actions().output(OFPort.of(2), 0xffff));
            e.sw().send(sf.buildFlowAdd().setMatch(sf.buildMatch().build()).setActions(out).build());
            e.sw().send(e.packetOut(out).orElseThrow());
            return Disposition.STOP;
        });
        EmbeddedChannel ch = activeSwitch();
        flushes = 0;
        writes = 0;

        ch.writeInbound(Wire.encode(packetIn(0), packetIn(1), packetIn(2))); // one read, three packet-ins

        assertEquals(3, handledOn.size(), "every packet-in handled before the read returned");
        for (Thread t : handledOn) {
            assertSame(Thread.currentThread(), t, "handled on the thread that read it (no hand-off)");
        }
        assertEquals(1, flushes, "one flush for the whole read");
        assertEquals(1, writes, "the six answers are written as one buffer");
        List<OFMessage> out = Wire.drain(ch);
        assertEquals(6, out.size(), String.valueOf(out));
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(OFFlowAdd.class, out.get(2 * i));
            OFPacketOut po = assertInstanceOf(OFPacketOut.class, out.get(2 * i + 1));
            assertEquals(MacAddress.of(0x10 + i), dev.weft.api.packet.Ethernet.parse(po.getData()).orElseThrow().src(),
                    "answers in the order of the packet-ins");
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void aReadWithNothingToAnswerFlushesNothing() throws Exception {
        rec.bus.subscribe(new AppHandle("silent", 1), PacketIn.class, e -> Disposition.STOP);
        EmbeddedChannel ch = activeSwitch();
        flushes = 0;
        ch.writeInbound(Wire.encode(packetIn(0), packetIn(1)));
        assertEquals(0, flushes, "no empty flush (each is a system call)");
        ch.finishAndReleaseAll();
    }

    /**
     * The buffer one task's answers were written into holds the next task's once the socket took
     * all of it (the common case), and never while the socket still holds it.
     */
    @Test
    void theAnswerBufferIsReusedOnlyAfterTheSocketLetGoOfIt() throws Exception {
        rec.bus.subscribe(new AppHandle("answer", 1), PacketIn.class, e -> {
            e.sw().send(e.packetOut(List.of(e.sw().factory().actions().output(OFPort.of(2), 0xffff))).orElseThrow());
            return Disposition.STOP;
        });
        EmbeddedChannel ch = activeSwitch();
        List<ByteBuf> written = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        boolean[] letGo = {true};
        // In place of the socket: takes every byte at once and lets go (a socket with room), or
        // keeps the buffer queued (a full socket).
        ch.pipeline().addFirst("socket", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                ByteBuf b = (ByteBuf) msg;
                written.add(b);
                bytes.add(ByteBufUtil.getBytes(b));
                if (letGo[0]) {
                    b.release();
                }
                promise.trySuccess();
            }
        });

        for (int i = 0; i < 3; i++) {
            ch.writeInbound(Wire.encode(packetIn(i)));
            // Given back to the pool, its count would be 0 (and the pool may hand the same object
            // out again, so the object's identity alone does not tell).
            assertEquals(1, written.get(i).refCnt(), "answer " + i + "'s buffer is kept for the next answer");
        }
        assertEquals(3, written.size());
        assertSame(written.get(0), written.get(1), "the second answer went into the first one's buffer");
        assertSame(written.get(1), written.get(2));
        for (int i = 0; i < 3; i++) {
            assertEquals(MacAddress.of(0x10 + i), sourceOfPacketOut(bytes.get(i)), "answer " + i + " is its own");
        }

        letGo[0] = false; // the socket is full: it keeps what it was given
        ch.writeInbound(Wire.encode(packetIn(3)));
        ch.writeInbound(Wire.encode(packetIn(4)));
        assertEquals(5, written.size());
        ByteBuf held = written.get(3);
        assertNotSame(held, written.get(4), "a buffer the socket still holds is not written into");
        assertEquals(1, held.refCnt(), "the socket's reference only: not kept for another answer");
        assertEquals(MacAddress.of(0x13), sourceOfPacketOut(ByteBufUtil.getBytes(held)),
                "what the socket holds is still answer 3 after answer 4 was written");
        assertEquals(MacAddress.of(0x14), sourceOfPacketOut(ByteBufUtil.getBytes(written.get(4))));
        held.release();
        written.get(4).release();
        ch.finishAndReleaseAll();
    }

    private MacAddress sourceOfPacketOut(byte[] wire) throws Exception {
        OFPacketOut po = (OFPacketOut) f.getReader().readFrom(io.netty.buffer.Unpooled.wrappedBuffer(wire));
        return dev.weft.api.packet.Ethernet.parse(po.getData()).orElseThrow().src();
    }
}
