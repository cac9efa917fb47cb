package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.MAC1;
import static dev.weft.sim.datapath.Of.MAC2;
import static dev.weft.sim.datapath.Of.MAC3;
import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.out;
import static dev.weft.sim.datapath.Of.udp12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Priorities, masks, ADD replacement, MODIFY vs MODIFY_STRICT, DELETE filters, cookies. */
class FlowTableSemanticsTest {
    private final DatapathHarness h = DatapathHarness.of13(4);
    private final OFFactory f = h.f();

    private Match ethDst(MacAddress m) {
        return f.buildMatch().setExact(MatchField.ETH_DST, m).build();
    }

    @Test
    void higherPriorityWinsAndTheRestFallsThrough() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2))).build(),
                add(f, 0, 20, ethDst(MAC3), apply(f, out(f, 3))).build());
        h.inject(1, Frames.from(MAC1, Of.IP1).to(MAC3, Of.IP2).udp(1000, 2000, new byte[] {1, 2, 3, 4}));
        h.inject(1, udp12());
        assertEquals(List.of(3, 2), h.takeSentPorts());
        h.assertNoMessages();
    }

    @Test
    void maskedIpv4AndEthernetMatches() {
        Match subnet = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setMasked(MatchField.IPV4_DST, IPv4AddressWithMask.of("10.0.1.0/24")).build();
        Match multicast = f.buildMatch().setMasked(MatchField.ETH_DST, MacAddress.of("01:00:00:00:00:00"),
                MacAddress.of("01:00:00:00:00:00")).build();
        h.send(add(f, 0, 10, subnet, apply(f, out(f, 2))).build(), add(f, 0, 10, multicast, apply(f, out(f, 3))).build());
        h.inject(1, Frames.from(MAC1, Of.IP1).to(MAC2, IPv4Address.of("10.0.1.77"))
                .udp(1000, 2000, new byte[] {1, 2, 3, 4}));
        h.inject(1, Frames.from(MAC1, Of.IP1).to(MAC2, IPv4Address.of("10.0.2.77"))
                .udp(1000, 2000, new byte[] {1, 2, 3, 4}));
        h.inject(1, Frames.from(MAC1, Of.IP1).to(MacAddress.of("01:00:5e:00:00:01"), IPv4Address.of("10.0.2.77"))
                .udp(1000, 2000, new byte[] {1, 2, 3, 4}));
        assertEquals(List.of(2, 3), h.takeSentPorts());
    }

    @Test
    void addOfAnIdenticalEntryReplacesItAndKeepsCountersUnlessResetCounts() {
        Match m = ethDst(MAC2);
        h.send(add(f, 0, 10, m, apply(f, out(f, 2))).build());
        h.inject(1, udp12());
        h.send(add(f, 0, 10, m, apply(f, out(f, 3))).build());
        assertEquals(1, h.dp.flows().size());
        assertEquals(1, h.dp.flows().get(0).packetCount(), "1.3 copies counters to the replacing entry");
        h.takeSent();
        h.inject(1, udp12());
        assertEquals(List.of(3), h.takeSentPorts());
        h.send(add(f, 0, 10, m, apply(f, out(f, 2))).setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build());
        assertEquals(0, h.dp.flows().get(0).packetCount());
        // a different priority is a different entry
        h.send(add(f, 0, 11, m, apply(f, out(f, 2))).build());
        assertEquals(2, h.dp.flows().size());
    }

    @Test
    void checkOverlapRejectsAnOverlappingEntryOfTheSamePriority() {
        h.send(add(f, 0, 10, ethDst(MAC2), apply(f, out(f, 2))).build());
        OFFlowAdd overlapping = add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                apply(f, out(f, 3))).setFlags(Set.of(OFFlowModFlags.CHECK_OVERLAP)).setXid(77).build();
        h.send(overlapping);
        OFErrorMsg e = h.onlyError();
        assertEquals(OFErrorType.FLOW_MOD_FAILED, e.getErrType());
        assertEquals(OFFlowModFailedCode.OVERLAP, ((OFFlowModFailedErrorMsg) e).getCode());
        assertEquals(77, e.getXid());
        // disjoint at the same priority, or overlapping at another priority: accepted
        h.send(add(f, 0, 10, ethDst(MAC3), apply(f, out(f, 3))).setFlags(Set.of(OFFlowModFlags.CHECK_OVERLAP)).build(),
                add(f, 0, 11, f.buildMatch().build(), apply(f, out(f, 3))).setFlags(Set.of(OFFlowModFlags.CHECK_OVERLAP)).build());
        h.assertNoMessages();
        assertEquals(3, h.dp.flows().size());
    }

    @Test
    void modifyChangesEveryCoveredEntryButModifyStrictOnlyTheExactOne() {
        Match wide = ethDst(MAC2);
        Match narrow = f.buildMatch().setExact(MatchField.ETH_DST, MAC2).setExact(MatchField.IN_PORT, OFPort.of(1)).build();
        Match other = ethDst(MAC3);
        h.send(add(f, 0, 10, wide, apply(f, out(f, 2))).build(), add(f, 0, 20, narrow, apply(f, out(f, 2))).build(),
                add(f, 0, 30, other, apply(f, out(f, 2))).build());
        h.send(f.buildFlowModifyStrict().setTableId(TableId.of(0)).setPriority(10).setMatch(wide)
                .setInstructions(List.of(apply(f, out(f, 4)))).build());
        assertEquals(List.of(2, 2, 4), outPorts());
        h.send(f.buildFlowModify().setTableId(TableId.of(0)).setMatch(wide)
                .setInstructions(List.of(apply(f, out(f, 3)))).build());
        assertEquals(List.of(2, 3, 3), outPorts(), "non-strict MODIFY changes both entries covered by eth_dst=MAC2");
        // in 1.3 a MODIFY that matches nothing does not add
        h.send(f.buildFlowModify().setTableId(TableId.of(0)).setMatch(ethDst(MacAddress.of("00:00:00:00:00:09")))
                .setInstructions(List.of(apply(f, out(f, 3)))).build());
        assertEquals(3, h.dp.flows().size());
        h.assertNoMessages();
    }

    /** Output port of each entry, in table order (highest priority first). */
    private List<Integer> outPorts() {
        return h.dp.flows().stream().map(fl -> ((org.projectfloodlight.openflow.protocol.action.OFActionOutput)
                ((org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions) fl.instructions().get(0))
                        .getActions().get(0)).getPort().getPortNumber()).toList();
    }

    @Test
    void deleteHonoursOutPortAndDeleteStrictNeedsPriority() {
        h.send(add(f, 0, 10, ethDst(MAC2), apply(f, out(f, 2))).build(),
                add(f, 0, 10, ethDst(MAC3), apply(f, out(f, 3))).build(),
                add(f, 1, 10, ethDst(MAC3), apply(f, out(f, 2))).build());
        h.send(f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.of(2)).setMatch(f.buildMatch().build()).build());
        assertEquals(1, h.dp.flows().size());
        assertEquals(3, outPorts().get(0));
        h.send(f.buildFlowDeleteStrict().setTableId(TableId.of(0)).setPriority(11).setMatch(ethDst(MAC3)).build());
        assertEquals(1, h.dp.flows().size(), "wrong priority: DELETE_STRICT removes nothing");
        h.send(f.buildFlowDeleteStrict().setTableId(TableId.of(0)).setPriority(10).setMatch(ethDst(MAC3)).build());
        assertEquals(0, h.dp.flows().size());
        h.assertNoMessages();
    }

    @Test
    void deleteHonoursOutGroup() {
        h.send(f.buildGroupAdd().setGroup(org.projectfloodlight.openflow.types.OFGroup.of(7))
                .setGroupType(org.projectfloodlight.openflow.protocol.OFGroupType.ALL).setBuckets(List.of()).build());
        h.send(add(f, 0, 10, ethDst(MAC2), apply(f, f.actions().group(org.projectfloodlight.openflow.types.OFGroup.of(7))))
                .build(), add(f, 0, 10, ethDst(MAC3), apply(f, out(f, 3))).build());
        h.send(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(f.buildMatch().build())
                .setOutGroup(org.projectfloodlight.openflow.types.OFGroup.of(7)).build());
        assertEquals(List.of(3), outPorts());
        h.assertNoMessages();
    }

    @Test
    void deleteNonStrictRemovesMoreSpecificEntriesOnly() {
        Match narrow = f.buildMatch().setExact(MatchField.ETH_DST, MAC2).setExact(MatchField.IN_PORT, OFPort.of(1)).build();
        h.send(add(f, 0, 10, ethDst(MAC2), apply(f, out(f, 2))).build(), add(f, 0, 20, narrow, apply(f, out(f, 2))).build());
        h.send(f.buildFlowDelete().setTableId(TableId.of(0)).setMatch(narrow).build());
        assertEquals(1, h.dp.flows().size(), "eth_dst=MAC2 alone is wider than the filter and stays");
        assertEquals(10, h.dp.flows().get(0).priority());
    }

    @Test
    void cookieMaskSelectsEntriesForDeleteAndModify() {
        h.send(add(f, 0, 10, ethDst(MAC1), apply(f, out(f, 2))).setCookie(U64.of(0x1_0001)).build(),
                add(f, 0, 10, ethDst(MAC2), apply(f, out(f, 2))).setCookie(U64.of(0x1_0002)).build(),
                add(f, 0, 10, ethDst(MAC3), apply(f, out(f, 2))).setCookie(U64.of(0x2_0001)).build());
        h.send(f.buildFlowModify().setTableId(TableId.of(0)).setMatch(f.buildMatch().build())
                .setCookie(U64.of(0x2_0000)).setCookieMask(U64.of(0xffff_0000L))
                .setInstructions(List.of(apply(f, out(f, 4)))).build());
        assertEquals(List.of(2, 2, 4), outPorts());
        h.send(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(f.buildMatch().build())
                .setCookie(U64.of(0x1_0000)).setCookieMask(U64.of(0xffff_0000L)).build());
        assertEquals(1, h.dp.flows().size());
        assertEquals(U64.of(0x2_0001), h.dp.flows().get(0).cookie());
        assertTrue(h.takeMessages().isEmpty());
    }

    @Test
    void tableFullIsReported() {
        DatapathHarness small = new DatapathHarness(org.projectfloodlight.openflow.protocol.OFVersion.OF_13, 2,
                DatapathConfig.of(org.projectfloodlight.openflow.types.DatapathId.of(1)).withMaxFlowsPerTable(1));
        OFFactory sf = small.f();
        small.send(add(sf, 0, 10, sf.buildMatch().build(), apply(sf, out(sf, 2))).build(),
                add(sf, 0, 11, sf.buildMatch().build(), apply(sf, out(sf, 2))).build());
        assertEquals(OFFlowModFailedCode.TABLE_FULL, ((OFFlowModFailedErrorMsg) small.onlyError()).getCode());
    }
}
