package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenFlow 1.3 action list in which Nicira actions may appear. Runs of standard actions
 * are read by Loxi (wrapped in a PACKET_OUT, which Loxi reads with its public reader), the
 * Nicira actions by their own decoders.
 */
final class ActionReader {
    private static final OFMessageReader<OFMessage> LOXI13 = OFFactories.getFactory(OFVersion.OF_13).getReader();
    /** ct may carry actions, which may not carry further ct: deeper nesting is malformed. */
    private static final int MAX_DEPTH = 2;
    private static final int PACKET_OUT = 13;
    private static final int PACKET_OUT_FIXED = 24;

    private ActionReader() {
    }

    /** The actions in {@code b} (all of its readable bytes). */
    static List<OFAction> read(ByteBuf b, int depth) throws OFParseError {
        if (depth > MAX_DEPTH) {
            throw new OFParseError("actions nested too deeply");
        }
        List<OFAction> out = new ArrayList<>();
        int runStart = -1;
        while (b.isReadable()) {
            int at = b.readerIndex();
            if (b.readableBytes() < 4) {
                throw new OFParseError("truncated action header");
            }
            int len = b.getUnsignedShort(at + 2);
            if (len < 8 || len > b.readableBytes()) {
                throw new OFParseError("action with bad length " + len + " (" + b.readableBytes() + " bytes left)");
            }
            if (isNicira(b, at, len)) {
                if (runStart >= 0) {
                    out.addAll(loxi(b.slice(runStart, at - runStart)));
                    runStart = -1;
                }
                out.add(nicira(b.slice(at, len), depth));
            } else if (runStart < 0) {
                runStart = at;
            }
            b.readerIndex(at + len);
        }
        if (runStart >= 0) {
            out.addAll(loxi(b.slice(runStart, b.readerIndex() - runStart)));
        }
        return out;
    }

    /** True for a Nicira action of a subtype this module decodes. */
    static boolean isNicira(ByteBuf b, int at, int len) {
        return len >= Wire.HEADER && b.getUnsignedShort(at) == Wire.EXPERIMENTER
                && b.getUnsignedInt(at + 4) == NiciraAction.NICIRA && known(b.getUnsignedShort(at + 8));
    }

    static boolean known(int subtype) {
        return subtype == NxCt.SUBTYPE || subtype == NxNat.SUBTYPE || subtype == NxResubmit.SUBTYPE
                || subtype == NxResubmit.SUBTYPE_NO_TABLE || subtype == NxCtClear.SUBTYPE;
    }

    private static NiciraAction nicira(ByteBuf b, int depth) throws OFParseError {
        int subtype = b.getUnsignedShort(b.readerIndex() + 8);
        return switch (subtype) {
            case NxCt.SUBTYPE -> NxCt.read(b, depth);
            case NxNat.SUBTYPE -> NxNat.read(b);
            case NxResubmit.SUBTYPE, NxResubmit.SUBTYPE_NO_TABLE -> NxResubmit.read(b);
            case NxCtClear.SUBTYPE -> NxCtClear.read(b);
            default -> throw new OFParseError("Nicira action subtype " + subtype + " is not supported");
        };
    }

    /** Standard actions, read by Loxi inside a PACKET_OUT made for the purpose. */
    private static List<OFAction> loxi(ByteBuf actions) throws OFParseError {
        int n = actions.readableBytes();
        ByteBuf po = Unpooled.buffer(PACKET_OUT_FIXED + n);
        try {
            po.writeByte(OFVersion.OF_13.getWireVersion());
            po.writeByte(PACKET_OUT);
            po.writeShort(PACKET_OUT_FIXED + n);
            po.writeInt(0); // xid
            po.writeInt(0xffffffff); // buffer_id: none
            po.writeInt(0xfffffffd); // in_port: CONTROLLER
            po.writeShort(n);
            po.writeZero(6);
            po.writeBytes(actions, actions.readerIndex(), n);
            OFMessage m = LOXI13.readFrom(po);
            if (!(m instanceof OFPacketOut p)) {
                throw new OFParseError("could not read " + n + " bytes of actions");
            }
            return p.getActions();
        } finally {
            po.release();
        }
    }
}
