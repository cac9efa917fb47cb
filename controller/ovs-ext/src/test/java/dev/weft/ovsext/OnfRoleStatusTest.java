package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFRoleStatus;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * ONFT_ROLE_STATUS as Open vSwitch 3.1 sends it to a demoted OpenFlow 1.3 controller (the CI logs
 * of the cluster test showed it arriving: version 4, type 4, experimenter 0x4F4E4600); each golden
 * message is printed here as {@code ovs-ofctl ofp-print} decodes it.
 */
class OnfRoleStatusTest {
    private static final OFMessageReader<OFMessage> READER = OvsMessageReader.wrap(OFFactories.getGenericReader());

    /** ONFT_ROLE_STATUS (OF1.3) (xid=0x12345678): role=secondary generation_id=54 reason=primary_request */
    static final String DEMOTED = "0404002012345678" + "4f4e460000000777" + "0000000300000000" + "0000000000000036";
    /** ONFT_ROLE_STATUS (OF1.3) (xid=0x0): role=primary generation_id=18446744073709551614 reason=experimenter_data_changed */
    static final String PRIMARY = "0404002000000000" + "4f4e460000000777" + "0000000202000000" + "fffffffffffffffe";

    private static OFMessage read(String hex) throws OFParseError {
        ByteBuf b = Bytes.buf(hex);
        OFMessage m = READER.readFrom(b);
        assertEquals(0, b.readableBytes(), "the whole message is consumed");
        return m;
    }

    @Test
    void aDemotionAsOpenVSwitchSendsIt() throws OFParseError {
        OnfRoleStatus s = assertInstanceOf(OnfRoleStatus.class, read(DEMOTED));
        assertEquals(OFControllerRole.ROLE_SLAVE, s.role());
        assertEquals(OnfRoleStatus.REASON_MASTER_REQUEST, s.reason());
        assertEquals(U64.of(54), s.generationId());
        assertEquals(0x12345678L, s.getXid());
        assertEquals(OFVersion.OF_13, s.getVersion());
        assertEquals("ONFT_ROLE_STATUS (OF1.3) (xid=0x12345678): role=secondary generation_id=54 reason=primary_request",
                s.toString());
        assertEquals(DEMOTED, Bytes.hex(s));
    }

    @Test
    void everyRoleAndAnUnsignedGenerationRoundTrip() throws OFParseError {
        OnfRoleStatus s = (OnfRoleStatus) read(PRIMARY);
        assertEquals(OFControllerRole.ROLE_MASTER, s.role());
        assertEquals("ONFT_ROLE_STATUS (OF1.3) (xid=0x0): role=primary generation_id=18446744073709551614"
                + " reason=experimenter_data_changed", s.toString());
        assertEquals(PRIMARY, Bytes.hex(s));
        for (OFControllerRole r : OFControllerRole.values()) {
            OnfRoleStatus built = new OnfRoleStatus.Builder().setXid(7).setRole(r)
                    .setReason(OnfRoleStatus.REASON_CONFIG).setGenerationId(U64.of(-3)).build();
            OnfRoleStatus back = (OnfRoleStatus) read(Bytes.hex(built));
            assertEquals(built, back);
            assertEquals(r, back.role());
            assertEquals(built.createBuilder().setXid(8).build().hashCodeIgnoreXid(), back.hashCodeIgnoreXid());
        }
    }

    @Test
    void propertiesAfterTheFixedPartAreSkipped() throws OFParseError {
        // The same status with 8 bytes of (1.4-style) properties after it; the length says 40.
        String withProps = "0404002812345678" + DEMOTED.substring(16) + "ffff000800000000";
        OnfRoleStatus s = (OnfRoleStatus) read(withProps);
        assertEquals(OFControllerRole.ROLE_SLAVE, s.role());
    }

    @Test
    void anUnknownRoleOrAShortMessageIsAParseErrorNotAnotherMessage() {
        // ovs-ofctl: "***decode error: OFPRRFC_BAD_ROLE***" for role 5.
        String badRole = "0404002000000000" + "4f4e460000000777" + "0000000500000000" + "0000000000000036";
        assertThrows(OFParseError.class, () -> read(badRole));
        String shortOne = "0404001800000000" + "4f4e460000000777" + "0000000300000000";
        assertThrows(OFParseError.class, () -> read(shortOne));
    }

    @Test
    void otherVersionsAndExperimentersStayLoxis() throws OFParseError {
        // OpenFlow 1.4's own ROLE_STATUS (type 30) is Loxi's.
        OFRoleStatus native14 = OFFactories.getFactory(OFVersion.OF_14).buildRoleStatus()
                .setRole(OFControllerRole.ROLE_SLAVE).setGenerationId(U64.of(9))
                .setReason(org.projectfloodlight.openflow.protocol.OFControllerRoleReason.MASTER_REQUEST).build();
        assertInstanceOf(OFRoleStatus.class, read(Bytes.hex(native14)));
        // A BSN experimenter message under 1.3 is not taken for a role status.
        OFMessage bsn = OFFactories.getFactory(OFVersion.OF_13).buildBsnSetPktinSuppressionRequest()
                .setXid(3).setEnabled(true).setIdleTimeout(1).setHardTimeout(2).setPriority(3)
                .setCookie(U64.of(4)).build();
        assertEquals(bsn, read(Bytes.hex(bsn)));
    }
}
