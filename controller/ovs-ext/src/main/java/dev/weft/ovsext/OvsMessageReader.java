package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;

import java.util.ArrayList;
import java.util.List;

/**
 * Loxi's message reader, made to understand the Nicira actions of this module in the two
 * messages that carry flow entries: FLOW_MOD (what a switch, or the simulator, receives) and the
 * flow-stats reply (what the controller reads back to adopt entries), and Open vSwitch's
 * OpenFlow 1.3 role status ({@link OnfRoleStatus}). Loxi refuses those actions ("unknown
 * subtype") and that experimenter message; every other message, and the two flow messages when
 * they hold no such action, are read by Loxi itself, untouched.
 *
 * <p>How: the message's entries are walked (never throwing: a malformed message goes to Loxi,
 * which reports it); when one holds a Nicira action, the message is read by Loxi with the
 * instructions left out, the instructions are read by {@link InstructionReader}, and the two are
 * put together with Loxi's builders. OpenFlow 1.3 only (the version of the tenant pipeline).
 */
public final class OvsMessageReader implements OFMessageReader<OFMessage> {
    private static final int OF13 = OFVersion.OF_13.getWireVersion();
    private static final int EXPERIMENTER = 4;
    private static final int FLOW_MOD = 14;
    private static final int MULTIPART_REPLY = 19;
    private static final int STATS_FLOW = 1;
    private static final int FLOW_MOD_FIXED = 48;
    private static final int STATS_HEADER = 16;
    private static final int ENTRY_FIXED = 48;
    private static final OFMessageReader<OFMessage> LOXI13 = OFFactories.getFactory(OFVersion.OF_13).getReader();

    private final OFMessageReader<OFMessage> loxi;

    private OvsMessageReader(OFMessageReader<OFMessage> loxi) {
        this.loxi = loxi;
    }

    /** {@code loxi}, reading this module's Nicira actions too (e.g. {@code OFFactories.getGenericReader()}). */
    public static OFMessageReader<OFMessage> wrap(OFMessageReader<OFMessage> loxi) {
        return loxi instanceof OvsMessageReader ? loxi : new OvsMessageReader(loxi);
    }

    /**
     * As Loxi's {@code readFrom}, except that a malformed message is always an {@link OFParseError}
     * (Loxi itself sometimes throws unchecked exceptions instead).
     */
    @Override
    public OFMessage readFrom(ByteBuf bb) throws OFParseError {
        try {
            return read(bb);
        } catch (RuntimeException e) { // Loxi runs off buffers, and meets nulls, on some malformed input
            throw new OFParseError("malformed message: " + e);
        }
    }

    private OFMessage read(ByteBuf bb) throws OFParseError {
        int start = bb.readerIndex();
        if (bb.readableBytes() < 8) {
            return loxi.readFrom(bb);
        }
        int version = bb.getUnsignedByte(start);
        int type = bb.getUnsignedByte(start + 1);
        int length = bb.getUnsignedShort(start + 2);
        if (version != OF13 || length > bb.readableBytes()) {
            return loxi.readFrom(bb);
        }
        if (type == EXPERIMENTER && OnfRoleStatus.matches(bb, start, length)) {
            OFMessage m = OnfRoleStatus.read(bb.slice(start, length));
            bb.readerIndex(start + length);
            return m;
        }
        if (type == FLOW_MOD && flowModHasNicira(bb, start, length)) {
            OFMessage m = readFlowMod(bb.slice(start, length));
            bb.readerIndex(start + length);
            return m;
        }
        if (type == MULTIPART_REPLY && length >= STATS_HEADER && bb.getUnsignedShort(start + 8) == STATS_FLOW
                && statsHaveNicira(bb, start, length)) {
            OFMessage m = readFlowStats(bb.slice(start, length));
            bb.readerIndex(start + length);
            return m;
        }
        return loxi.readFrom(bb);
    }

    /** Where the instructions start after an OXM match at {@code match}, or -1 when malformed. */
    private static int afterMatch(ByteBuf b, int match, int end) {
        if (match + 4 > end) {
            return -1;
        }
        int len = b.getUnsignedShort(match + 2);
        int padded = (len + 7) & ~7;
        return len < 4 || match + padded > end ? -1 : match + padded;
    }

    private static boolean flowModHasNicira(ByteBuf b, int start, int length) {
        int end = start + length;
        int ins = afterMatch(b, start + FLOW_MOD_FIXED, end);
        return ins >= 0 && InstructionReader.hasNicira(b, ins, end);
    }

    private static boolean statsHaveNicira(ByteBuf b, int start, int length) {
        int end = start + length;
        int at = start + STATS_HEADER;
        while (at + ENTRY_FIXED <= end) {
            int len = b.getUnsignedShort(at);
            if (len < ENTRY_FIXED || at + len > end) {
                return false;
            }
            int ins = afterMatch(b, at + ENTRY_FIXED, at + len);
            if (ins < 0) {
                return false;
            }
            if (InstructionReader.hasNicira(b, ins, at + len)) {
                return true;
            }
            at += len;
        }
        return false;
    }

    private static OFMessage readFlowMod(ByteBuf msg) throws OFParseError {
        int length = msg.readableBytes();
        int ins = afterMatch(msg, FLOW_MOD_FIXED, length);
        ByteBuf head = Unpooled.buffer(ins);
        try {
            head.writeBytes(msg, 0, ins);
            head.setShort(2, ins);
            OFMessage m = LOXI13.readFrom(head);
            if (!(m instanceof OFFlowMod fm)) {
                throw new OFParseError("could not read the FLOW_MOD");
            }
            List<OFInstruction> instructions = InstructionReader.read(msg.slice(ins, length - ins));
            return fm.createBuilder().setInstructions(instructions).build();
        } finally {
            head.release();
        }
    }

    private static OFMessage readFlowStats(ByteBuf msg) throws OFParseError {
        int length = msg.readableBytes();
        ByteBuf head = Unpooled.buffer(length);
        List<List<OFInstruction>> instructions = new ArrayList<>();
        try {
            head.writeBytes(msg, 0, STATS_HEADER);
            int at = STATS_HEADER;
            while (at < length) {
                int len = msg.getUnsignedShort(at);
                int ins = afterMatch(msg, at + ENTRY_FIXED, at + len);
                int entryStart = head.writerIndex();
                head.writeBytes(msg, at, ins - at);
                head.setShort(entryStart, ins - at);
                instructions.add(InstructionReader.read(msg.slice(ins, at + len - ins)));
                at += len;
            }
            head.setShort(2, head.writerIndex());
            OFMessage m = LOXI13.readFrom(head);
            if (!(m instanceof OFFlowStatsReply r) || r.getEntries().size() != instructions.size()) {
                throw new OFParseError("could not read the flow-stats reply");
            }
            List<OFFlowStatsEntry> entries = new ArrayList<>(instructions.size());
            for (int i = 0; i < instructions.size(); i++) {
                entries.add(r.getEntries().get(i).createBuilder().setInstructions(instructions.get(i)).build());
            }
            return r.createBuilder().setEntries(entries).build();
        } finally {
            head.release();
        }
    }
}
