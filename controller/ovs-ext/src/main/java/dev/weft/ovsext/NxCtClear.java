package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;

/**
 * {@code ct_clear} (NXAST_CT_CLEAR): forgets the packet's connection tracking state (ct_state and
 * the other ct fields become those of an untracked packet), so that it can be tracked again, e.g.
 * in another zone. Wire format: 6 bytes of padding after the header (16 bytes).
 */
public record NxCtClear() implements NiciraAction {
    public static final int SUBTYPE = 43;
    static final int LENGTH = 16;
    public static final NxCtClear INSTANCE = new NxCtClear();

    @Override
    public int subtype() {
        return SUBTYPE;
    }

    @Override
    public void writeTo(ByteBuf b) {
        int start = Wire.begin(b, SUBTYPE);
        b.writeZero(6);
        Wire.end(b, start);
    }

    static NxCtClear read(ByteBuf b) throws OFParseError {
        int len = Wire.length(b, "ct_clear", LENGTH);
        b.skipBytes(len);
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "ct_clear";
    }
}
