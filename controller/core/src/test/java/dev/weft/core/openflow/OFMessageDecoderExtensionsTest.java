package dev.weft.core.openflow;

import dev.weft.ovsext.CtState;
import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxResubmit;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The switch channel reads flow entries with Open vSwitch's extension actions (what adoption needs). */
class OFMessageDecoderExtensionsTest {
    private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);

    private static OFFlowStatsReply reply() {
        return OF.buildFlowStatsReply().setXid(9).setEntries(List.of(OF.buildFlowStatsEntry()
                .setTableId(TableId.of(1)).setPriority(100).setCookie(U64.of(0x0aa0000000000000L))
                .setMatch(OF.buildMatch().setMasked(org.projectfloodlight.openflow.protocol.match.MatchField
                        .CONN_TRACKING_STATE, CtState.match("-trk").getValue(), CtState.match("-trk").getMask())
                        .build())
                .setInstructions(List.of(OF.instructions().applyActions(List.of(NxCt.track(3, TableId.of(1)),
                        NxResubmit.table(TableId.of(5)))))).build())).build();
    }

    @Test
    void beforeAndAfterNegotiation() {
        OFMessageDecoder decoder = new OFMessageDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Wire.encode(reply()));
        assertEquals(reply(), ch.readInbound());
        decoder.negotiated(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(reply()));
        assertEquals(reply(), ch.readInbound());
        ch.finishAndReleaseAll();
    }
}
