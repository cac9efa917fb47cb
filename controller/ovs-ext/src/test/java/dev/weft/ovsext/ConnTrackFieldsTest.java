package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Loxi's conntrack match fields are Open vSwitch's NXM_NX_CT_* (class 0x0001, fields 105..):
 * the golden bytes are the match {@code ovs-ofctl -O OpenFlow13 add-flow} sent for
 * {@code ct_state=+trk+est-rel,ct_zone=5,ct_mark=1,actions=drop}.
 */
class ConnTrackFieldsTest {
    private static final OFOxms X = OFFactories.getFactory(OFVersion.OF_13).oxms();

    private static String hex(org.projectfloodlight.openflow.protocol.oxm.OFOxm<?> o) {
        ByteBuf b = Unpooled.buffer();
        o.writeTo(b);
        return ByteBufUtil.hexDump(b);
    }

    @Test
    void loxiWritesTheFieldsAsOvs() {
        String golden = "0001d30800000022000000260001d40200050001d60400000001";
        assertEquals(golden, hex(CtState.match("+trk+est-rel")) + hex(X.connTrackingZone(U16.of(5)))
                + hex(X.connTrackingMark(U32.of(1))));
    }

    @Test
    void ctStateFlagsInBothDirections() {
        assertEquals(X.connTrackingStateMasked(U32.of(0x22), U32.of(0x26)), CtState.match("+trk+est-rel"));
        assertEquals(X.connTrackingStateMasked(U32.of(0x21), U32.of(0x23)), CtState.match("+new-est+trk"));
        assertEquals("+est-rel+trk", CtState.format(0x22, 0x26)); // ovs-ofctl's order
        assertThrows(IllegalArgumentException.class, () -> CtState.match("+trk+bogus"));
        assertThrows(IllegalArgumentException.class, () -> CtState.match("+trk-trk"));
        assertThrows(IllegalArgumentException.class, () -> CtState.match("trk"));
        assertThrows(IllegalArgumentException.class, () -> CtState.match(""));
    }

    @Test
    void setFieldOfTheWholeMetadataIsWhatOvsSends() {
        // actions=set_field:0x500000001->metadata
        var of = OFFactories.getFactory(OFVersion.OF_13);
        assertEquals("00190010800004080000000500000001",
                Bytes.hex(of.actions().setField(X.metadata(OFMetadata.of(U64.of(0x500000001L))))));
    }
}
