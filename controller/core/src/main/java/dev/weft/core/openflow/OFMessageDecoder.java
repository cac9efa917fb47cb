package dev.weft.core.openflow;

import dev.weft.ovsext.OvsMessageReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.util.List;

/**
 * Frames the byte stream by the OpenFlow header (length at offset 2) and decodes each frame
 * with Loxi (and Open vSwitch's extension actions, {@link OvsMessageReader}): one message per frame. Before version negotiation any version Loxi knows is read;
 * after it, only the negotiated one. A frame that does not decode becomes a {@link DecodeFailure}
 * (the stream stays in sync); a header whose length is below 8 cannot be resynchronised and
 * closes the connection (the only reason a peer's bytes end a connection). No input throws.
 */
final class OFMessageDecoder extends ByteToMessageDecoder {
    static final int HEADER_LENGTH = 8;
    private static final int HELLO = 0;
    private static final OFVersion NEWEST = OFVersion.OF_15;

    private OFMessageReader<OFMessage> reader = OvsMessageReader.wrap(OFFactories.getGenericReader());
    private int negotiatedWire = -1;
    private boolean broken;

    /** The negotiated version, once there is one. */
    java.util.Optional<OFVersion> negotiatedVersion() {
        return negotiatedWire < 0 ? java.util.Optional.empty() : java.util.Optional.of(reader == null ? null
                : versionOf(negotiatedWire));
    }

    private static OFVersion versionOf(int wire) {
        for (OFVersion v : OFVersion.values()) {
            if (v.getWireVersion() == wire) {
                return v;
            }
        }
        throw new IllegalStateException("wire version " + wire);
    }

    /**
     * Bytes still missing from the message whose start has been read (0 when none is partly read).
     * Event loop only.
     */
    int bytesToCompleteMessage() {
        ByteBuf in = internalBuffer();
        int readable = in.readableBytes();
        if (readable < HEADER_LENGTH) {
            return 0;
        }
        return Math.max(0, in.getUnsignedShort(in.readerIndex() + 2) - readable);
    }

    /** From now on accept only this version. Called on the channel's event loop. */
    void negotiated(OFVersion version) {
        negotiatedWire = version.getWireVersion();
        reader = OvsMessageReader.wrap(OFFactories.getFactory(version).getReader());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= HEADER_LENGTH) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start + 2);
            if (length < HEADER_LENGTH) {
                broken = true;
                String what = "version " + in.getUnsignedByte(start) + ", type " + in.getUnsignedByte(start + 1)
                        + ", length " + length + " (minimum 8)";
                in.skipBytes(in.readableBytes());
                PeerFaults.of(ctx.channel()).record(PeerFault.BROKEN_FRAMING, what);
                ctx.close();
                return;
            }
            if (in.readableBytes() < length) {
                return;
            }
            int wire = in.getUnsignedByte(start);
            int type = in.getUnsignedByte(start + 1);
            ByteBuf frame = in.slice(start, length);
            in.skipBytes(length);
            if (negotiatedWire >= 0 && wire != negotiatedWire) {
                out.add(failure(frame, wire, type, true, "version " + wire + " after negotiating " + negotiatedWire));
                continue;
            }
            if (negotiatedWire < 0 && type == HELLO && wire > NEWEST.getWireVersion()) {
                out.add(readFutureHello(frame, wire, type));
                continue;
            }
            try {
                OFMessage m = reader.readFrom(frame);
                if (m == null) {
                    out.add(failure(frame, wire, type, false, "truncated message"));
                } else {
                    out.add(m);
                }
            } catch (OFParseError | RuntimeException e) {
                out.add(failure(frame, wire, type, false, String.valueOf(e.getMessage())));
            }
        }
    }

    private Object readFutureHello(ByteBuf frame, int wire, int type) {
        ByteBuf copy = frame.copy();
        try {
            copy.setByte(0, NEWEST.getWireVersion());
            OFMessage m = OFFactories.getFactory(NEWEST).getReader().readFrom(copy);
            if (m instanceof OFHello h) {
                return new FutureVersionHello(h, wire);
            }
            return failure(frame, wire, type, false, "undecodable HELLO");
        } catch (OFParseError | RuntimeException e) {
            return failure(frame, wire, type, false, "undecodable HELLO: " + e.getMessage());
        } finally {
            copy.release();
        }
    }

    private static DecodeFailure failure(ByteBuf frame, int wire, int type, boolean badVersion, String reason) {
        long xid = frame.getUnsignedInt(4);
        byte[] head = ByteBufUtil.getBytes(frame, 0, Math.min(64, frame.capacity()));
        return new DecodeFailure(wire, type, xid, head, badVersion, reason);
    }
}
