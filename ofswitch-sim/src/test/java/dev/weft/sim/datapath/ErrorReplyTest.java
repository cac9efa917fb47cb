package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.gotoTable;
import static dev.weft.sim.datapath.Of.out;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadActionCode;
import org.projectfloodlight.openflow.protocol.OFBadInstructionCode;
import org.projectfloodlight.openflow.protocol.OFBadMatchCode;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFGroupModFailedCode;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadInstructionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFGroupModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv6Address;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/** Bad requests get the error a switch sends: right type and code, xid echoed, request bytes in data. */
class ErrorReplyTest {
    private final DatapathHarness h = DatapathHarness.of13(3);
    private final OFFactory f = h.f();

    private OFErrorMsg reject(OFMessage request) {
        h.send(request);
        OFErrorMsg e = h.onlyError();
        assertEquals(request.getXid(), e.getXid());
        assertArrayEquals(ErrorMessages.bytesOf(request), e.getData().getData(), "data carries the request");
        assertTrue(h.dp.flows().isEmpty(), "a rejected flow-mod installs nothing");
        return e;
    }

    @Test
    void gotoTableBackwardsOrPastTheLastTable() {
        OFErrorMsg back = reject(add(f, 2, 1, f.buildMatch().build(), gotoTable(f, 1)).setXid(11).build());
        assertEquals(OFBadInstructionCode.BAD_TABLE_ID, ((OFBadInstructionErrorMsg) back).getCode());
        OFErrorMsg past = reject(add(f, 0, 1, f.buildMatch().build(), gotoTable(f, 8)).setXid(12).build());
        assertEquals(OFBadInstructionCode.BAD_TABLE_ID, ((OFBadInstructionErrorMsg) past).getCode());
    }

    @Test
    void unknownTable() {
        OFErrorMsg e = reject(add(f, 9, 1, f.buildMatch().build(), apply(f, out(f, 1))).setXid(13).build());
        assertEquals(OFFlowModFailedCode.BAD_TABLE_ID, ((OFFlowModFailedErrorMsg) e).getCode());
    }

    @Test
    void unknownGroupAndBadPort() {
        OFErrorMsg g = reject(add(f, 0, 1, f.buildMatch().build(), apply(f, f.actions().group(OFGroup.of(4)))).setXid(14).build());
        assertEquals(OFBadActionCode.BAD_OUT_GROUP, ((OFBadActionErrorMsg) g).getCode());
        OFErrorMsg p = reject(add(f, 0, 1, f.buildMatch().build(), apply(f, out(f, 42))).setXid(15).build());
        assertEquals(OFBadActionCode.BAD_OUT_PORT, ((OFBadActionErrorMsg) p).getCode());
        OFErrorMsg n = reject(add(f, 0, 1, f.buildMatch().build(), apply(f, out(f, OFPort.NORMAL))).setXid(16).build());
        assertEquals(OFBadActionCode.BAD_OUT_PORT, ((OFBadActionErrorMsg) n).getCode());
    }

    @Test
    void unsupportedMatchFieldAndMissingPrerequisites() {
        OFErrorMsg field = reject(add(f, 0, 1, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv6)
                .setExact(MatchField.IPV6_SRC, IPv6Address.of("::1")).build(), apply(f, out(f, 1))).setXid(17).build());
        assertEquals(OFErrorType.BAD_MATCH, field.getErrType());
        assertEquals(OFBadMatchCode.BAD_FIELD, ((OFBadMatchErrorMsg) field).getCode());
        OFErrorMsg prereq = reject(add(f, 0, 1, f.buildMatch().setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.1"))
                .build(), apply(f, out(f, 1))).setXid(18).build());
        assertEquals(OFBadMatchCode.BAD_PREREQ, ((OFBadMatchErrorMsg) prereq).getCode());
        OFErrorMsg setField = reject(add(f, 0, 1, f.buildMatch().build(),
                apply(f, f.actions().setField(f.oxms().ipv4Dst(IPv4Address.of("10.0.0.9"))))).setXid(19).build());
        assertEquals(OFBadActionCode.MATCH_INCONSISTENT, ((OFBadActionErrorMsg) setField).getCode());
    }

    @Test
    void groupErrors() {
        h.send(f.buildGroupAdd().setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL).setBuckets(List.of()).build());
        h.assertNoMessages();
        OFErrorMsg exists = reject(f.buildGroupAdd().setXid(20).setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL)
                .setBuckets(List.of()).build());
        assertEquals(OFGroupModFailedCode.GROUP_EXISTS, ((OFGroupModFailedErrorMsg) exists).getCode());
        OFErrorMsg unknown = reject(f.buildGroupModify().setXid(21).setGroup(OFGroup.of(2)).setGroupType(OFGroupType.ALL)
                .setBuckets(List.of()).build());
        assertEquals(OFGroupModFailedCode.UNKNOWN_GROUP, ((OFGroupModFailedErrorMsg) unknown).getCode());
        OFErrorMsg select = reject(f.buildGroupAdd().setXid(22).setGroup(OFGroup.of(3)).setGroupType(OFGroupType.SELECT)
                .setBuckets(List.of()).build());
        assertEquals(OFGroupModFailedCode.BAD_TYPE, ((OFGroupModFailedErrorMsg) select).getCode());
    }

    @Test
    void packetOutWithUnknownBufferOrPort() {
        OFErrorMsg buf = reject(f.buildPacketOut().setXid(23).setBufferId(OFBufferId.of(0x77)).setInPort(OFPort.CONTROLLER)
                .setActions(List.of(out(f, 1))).build());
        assertEquals(OFBadRequestCode.BUFFER_UNKNOWN, ((OFBadRequestErrorMsg) buf).getCode());
        OFErrorMsg port = reject(f.buildPacketOut().setXid(24).setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.of(99))
                .setData(Of.udp12()).setActions(List.of(out(f, 1))).build());
        assertEquals(OFBadRequestCode.BAD_PORT, ((OFBadRequestErrorMsg) port).getCode());
        OFErrorMsg action = reject(f.buildPacketOut().setXid(25).setBufferId(OFBufferId.NO_BUFFER)
                .setInPort(OFPort.CONTROLLER).setData(Of.udp12()).setActions(List.of(out(f, 99))).build());
        assertEquals(OFBadActionCode.BAD_OUT_PORT, ((OFBadActionErrorMsg) action).getCode());
        assertTrue(h.takeSent().isEmpty());
    }

    @Test
    void wrongVersionAndUnsupportedRequests() {
        OFMessage v10 = OFFactories.getFactory(OFVersion.OF_10).buildBarrierRequest().setXid(26).build();
        OFErrorMsg version = reject(v10);
        assertEquals(OFBadRequestCode.BAD_VERSION, ((OFBadRequestErrorMsg) version).getCode());
        OFErrorMsg tableFeatures = reject(f.buildTableFeaturesStatsRequest().setXid(27).setEntries(List.of()).build());
        assertEquals(OFBadRequestCode.BAD_STAT, ((OFBadRequestErrorMsg) tableFeatures).getCode());
        OFErrorMsg notARequest = reject(f.buildFeaturesReply().setXid(28).build());
        assertEquals(OFBadRequestCode.BAD_TYPE, ((OFBadRequestErrorMsg) notARequest).getCode());
        OFErrorMsg modifyAll = reject(f.buildFlowModify().setXid(29).setTableId(TableId.ALL).setMatch(f.buildMatch().build())
                .build());
        assertEquals(OFFlowModFailedCode.BAD_TABLE_ID, ((OFFlowModFailedErrorMsg) modifyAll).getCode());
    }
}
