package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.out;
import static dev.weft.sim.datapath.Of.udp12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFAggregateStatsReply;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFTableStatsReply;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Features, PORT_DESC in several parts, flow/aggregate/table/port/desc stats, barrier order. */
class MultipartTest {
    @Test
    void portDescIsSplitIntoReplyMoreParts() {
        DatapathHarness h = new DatapathHarness(OFVersion.OF_13, 10,
                DatapathConfig.of(DatapathId.of(7)).withPortDescPartSize(4));
        OFFactory f = h.f();
        h.send(f.buildPortDescStatsRequest().setXid(40).build());
        List<OFPortDescStatsReply> parts = h.take(OFPortDescStatsReply.class);
        assertEquals(3, parts.size());
        assertEquals(List.of(4, 4, 2), parts.stream().map(p -> p.getEntries().size()).toList());
        assertEquals(Set.of(OFStatsReplyFlags.REPLY_MORE), parts.get(0).getFlags());
        assertEquals(Set.of(OFStatsReplyFlags.REPLY_MORE), parts.get(1).getFlags());
        assertTrue(parts.get(2).getFlags().isEmpty());
        assertTrue(parts.stream().allMatch(p -> p.getXid() == 40));
        OFPortDesc first = parts.get(0).getEntries().get(0);
        assertEquals("s1-eth1", first.getName());
        assertEquals(OFPort.of(1), first.getPortNo());
    }

    @Test
    void featuresReplyCarriesPortsIn10AndNotIn13() {
        DatapathHarness h10 = DatapathHarness.of10(3);
        h10.send(h10.f().buildFeaturesRequest().setXid(1).build());
        OFFeaturesReply r10 = h10.take(OFFeaturesReply.class).get(0);
        assertEquals(DatapathId.of(1), r10.getDatapathId());
        assertEquals(3, r10.getPorts().size());
        assertEquals(1, r10.getNTables());
        DatapathHarness h13 = DatapathHarness.of13(3);
        h13.send(h13.f().buildFeaturesRequest().setXid(1).build());
        assertEquals(8, h13.take(OFFeaturesReply.class).get(0).getNTables());
    }

    @Test
    void flowAggregateTableAndPortStats() {
        DatapathHarness h = DatapathHarness.of13(2);
        OFFactory f = h.f();
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2))).setCookie(U64.of(1)).build(),
                add(f, 1, 10, f.buildMatch().build(), apply(f, out(f, 2))).setCookie(U64.of(2)).build());
        h.inject(1, udp12());
        h.inject(1, udp12());
        h.takeSent();
        h.send(f.buildFlowStatsRequest().setXid(2).setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                .setOutGroup(org.projectfloodlight.openflow.types.OFGroup.ANY).setMatch(f.buildMatch().build())
                .setCookie(U64.of(1)).setCookieMask(U64.NO_MASK).build());
        OFFlowStatsReply fs = h.take(OFFlowStatsReply.class).get(0);
        assertEquals(1, fs.getEntries().size());
        assertEquals(U64.of(2), fs.getEntries().get(0).getPacketCount());
        h.send(f.buildAggregateStatsRequest().setXid(3).setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                .setOutGroup(org.projectfloodlight.openflow.types.OFGroup.ANY).setMatch(f.buildMatch().build())
                .setCookieMask(U64.ZERO).build());
        OFAggregateStatsReply agg = h.take(OFAggregateStatsReply.class).get(0);
        assertEquals(2, agg.getFlowCount());
        assertEquals(U64.of(2), agg.getPacketCount());
        h.send(f.buildTableStatsRequest().setXid(4).build());
        OFTableStatsReply ts = h.take(OFTableStatsReply.class).get(0);
        assertEquals(2, ts.getEntries().get(0).getLookupCount().getValue());
        assertEquals(1, ts.getEntries().get(0).getActiveCount());
        h.send(f.buildPortStatsRequest().setXid(5).setPortNo(OFPort.ANY).build());
        OFPortStatsReply ps = h.take(OFPortStatsReply.class).get(0);
        assertEquals(2, ps.getEntries().get(0).getRxPackets().getValue());
        assertEquals(2, ps.getEntries().get(1).getTxPackets().getValue());
        h.send(f.buildDescStatsRequest().setXid(6).build());
        assertEquals("ofswitch-sim", h.take(OFDescStatsReply.class).get(0).getSwDesc());
        assertEquals(2L, h.dp.messageCounts().get(OFType.FLOW_MOD));
    }

    @Test
    void barrierReplyComesAfterEverythingBeforeIt() {
        DatapathHarness h = DatapathHarness.of13(2);
        OFFactory f = h.f();
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 9))).setXid(1).build(),
                add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2))).setXid(2).build(),
                f.buildBarrierRequest().setXid(3).build());
        List<OFMessage> msgs = h.takeMessages();
        assertEquals(2, msgs.size());
        assertEquals(1, ((OFErrorMsg) msgs.get(0)).getXid());
        assertEquals(3, ((OFBarrierReply) msgs.get(1)).getXid());
        assertEquals(1, h.dp.flows().size(), "the flow-mod before the barrier is installed when the reply is out");
    }
}
