package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;

/** The header every Nicira action starts with, and the checks its decoders share. */
final class Wire {
    /** type(2) len(2) vendor(4) subtype(2). */
    static final int HEADER = 10;
    static final int EXPERIMENTER = 0xffff;

    private Wire() {
    }

    /** Writes type, a placeholder length, vendor and subtype; returns where the action starts. */
    static int begin(ByteBuf b, int subtype) {
        int start = b.writerIndex();
        b.writeShort(EXPERIMENTER);
        b.writeShort(0);
        b.writeInt((int) NiciraAction.NICIRA);
        b.writeShort(subtype);
        return start;
    }

    /** Pads the action to a multiple of 8 bytes and fills in its length. */
    static void end(ByteBuf b, int start) {
        int len = b.writerIndex() - start;
        int padded = (len + 7) & ~7;
        b.writeZero(padded - len);
        b.setShort(start + 2, padded);
    }

    /** The action's declared length, checked against its minimum and what is there. */
    static int length(ByteBuf b, String name, int minimum) throws OFParseError {
        int start = b.readerIndex();
        if (b.readableBytes() < HEADER) {
            throw new OFParseError(name + ": truncated header (" + b.readableBytes() + " bytes)");
        }
        int len = b.getUnsignedShort(start + 2);
        if (len < minimum || len % 8 != 0 || len > b.readableBytes()) {
            throw new OFParseError(name + ": bad length " + len + " (at least " + minimum
                    + ", a multiple of 8, at most the " + b.readableBytes() + " bytes there)");
        }
        return len;
    }

    static void zero(ByteBuf b, int from, int count, String name, String what) throws OFParseError {
        for (int i = 0; i < count; i++) {
            if (b.getByte(from + i) != 0) {
                throw new OFParseError(name + ": " + what + " must be zero");
            }
        }
    }
}
