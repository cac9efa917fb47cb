package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenFlow 1.3 instruction list: apply-actions and write-actions with
 * {@link ActionReader} (Nicira actions included), every other instruction by Loxi (inside a
 * FLOW_MOD made for the purpose).
 */
final class InstructionReader {
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    static final int WRITE_ACTIONS = 3;
    static final int APPLY_ACTIONS = 4;
    private static final int FLOW_MOD = 14;
    private static final int FLOW_MOD_FIXED = 48;
    private static final int EMPTY_MATCH = 8;

    private InstructionReader() {
    }

    static List<OFInstruction> read(ByteBuf b) throws OFParseError {
        List<OFInstruction> out = new ArrayList<>();
        while (b.isReadable()) {
            int at = b.readerIndex();
            if (b.readableBytes() < 4) {
                throw new OFParseError("truncated instruction header");
            }
            int type = b.getUnsignedShort(at);
            int len = b.getUnsignedShort(at + 2);
            if (len < 8 || len > b.readableBytes()) {
                throw new OFParseError("instruction with bad length " + len + " (" + b.readableBytes() + " bytes left)");
            }
            if (type == APPLY_ACTIONS || type == WRITE_ACTIONS) {
                var actions = ActionReader.read(b.slice(at + 8, len - 8), 0);
                out.add(type == APPLY_ACTIONS ? OF13.instructions().applyActions(actions)
                        : OF13.instructions().writeActions(actions));
            } else {
                out.add(loxi(b.slice(at, len)));
            }
            b.readerIndex(at + len);
        }
        return out;
    }

    /** Does this instruction list hold a Nicira action this module decodes? Never throws. */
    static boolean hasNicira(ByteBuf b, int from, int to) {
        int at = from;
        while (at + 8 <= to) {
            int type = b.getUnsignedShort(at);
            int len = b.getUnsignedShort(at + 2);
            if (len < 8 || at + len > to) {
                return false; // malformed: Loxi will say so
            }
            if ((type == APPLY_ACTIONS || type == WRITE_ACTIONS) && actionsHaveNicira(b, at + 8, at + len)) {
                return true;
            }
            at += len;
        }
        return false;
    }

    private static boolean actionsHaveNicira(ByteBuf b, int from, int to) {
        int at = from;
        while (at + 4 <= to) {
            int len = b.getUnsignedShort(at + 2);
            if (len < 8 || at + len > to) {
                return false;
            }
            if (ActionReader.isNicira(b, at, len)) {
                return true;
            }
            at += len;
        }
        return false;
    }

    private static OFInstruction loxi(ByteBuf instruction) throws OFParseError {
        int n = instruction.readableBytes();
        int total = FLOW_MOD_FIXED + EMPTY_MATCH + n;
        ByteBuf fm = Unpooled.buffer(total);
        try {
            fm.writeByte(OFVersion.OF_13.getWireVersion());
            fm.writeByte(FLOW_MOD);
            fm.writeShort(total);
            fm.writeZero(4 + 8 + 8); // xid, cookie, cookie_mask
            fm.writeByte(0); // table
            fm.writeByte(0); // command: ADD
            fm.writeZero(2 + 2 + 2); // idle, hard, priority
            fm.writeInt(0xffffffff); // buffer_id
            fm.writeInt(0xffffffff); // out_port
            fm.writeInt(0xffffffff); // out_group
            fm.writeZero(4); // flags, pad
            fm.writeShort(1); // match: OXM
            fm.writeShort(4); // with no fields
            fm.writeZero(4);
            fm.writeBytes(instruction, instruction.readerIndex(), n);
            OFMessage m = OFFactories.getFactory(OFVersion.OF_13).getReader().readFrom(fm);
            if (!(m instanceof OFFlowMod f) || f.getInstructions().size() != 1) {
                throw new OFParseError("could not read an instruction of " + n + " bytes");
            }
            return f.getInstructions().get(0);
        } finally {
            fm.release();
        }
    }
}
