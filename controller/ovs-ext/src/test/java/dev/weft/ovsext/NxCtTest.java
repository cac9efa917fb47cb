package dev.weft.ovsext;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U32;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NXAST_CT against Open vSwitch 3.1: each golden string is the action as {@code ovs-ofctl -O
 * OpenFlow13 add-flow} sent it for the flow in the comment (captured from the wire), and each text
 * is what {@code ovs-ofctl parse-flow} prints for it.
 */
class NxCtTest {
    /** ip,actions=ct(table=1,zone=5). */
    static final String TRACK = "ffff00180000232000230000000000000005010000000000";
    /** ip,actions=ct(commit,zone=7). */
    static final String COMMIT = "ffff00180000232000230001000000000007ff0000000000";
    /** ip,actions=ct(commit,force,zone=3). */
    static final String FORCE = "ffff00180000232000230003000000000003ff0000000000";
    /** ip,actions=ct(commit,zone=7,exec(set_field:0x1->ct_mark)). */
    static final String EXEC = "ffff00280000232000230001000000000007ff0000000000" + "001900100001d6040000000100000000";
    /** ip,actions=ct(table=3,zone=2,nat). */
    static final String REVERSE_NAT = "ffff00280000232000230000000000000002030000000000"
            + "ffff0010000023200024000000000000";
    /** ip,actions=ct(commit,zone=5,table=1,nat(src=10.0.0.1-10.0.0.9:1000-2000,random)). */
    static final String SNAT = "ffff00380000232000230001000000000005010000000000"
            + "ffff00200000232000240000001100330a0000010a00000903e807d000000000";

    @Test
    void trackEncodesAsOvsDoes() throws OFParseError {
        NxCt ct = NxCt.track(5, TableId.of(1));
        assertEquals(TRACK, Bytes.hex(ct));
        assertEquals(ct, Bytes.action(TRACK));
        assertEquals("ct(table=1,zone=5)", ct.toString());
    }

    @Test
    void commitEncodesAsOvsDoes() throws OFParseError {
        NxCt ct = NxCt.commit(7);
        assertEquals(COMMIT, Bytes.hex(ct));
        assertEquals(ct, Bytes.action(COMMIT));
        assertEquals("ct(commit,zone=7)", ct.toString());
        NxCt force = NxCt.commit(3).withForce();
        assertEquals(FORCE, Bytes.hex(force));
        assertEquals(force, Bytes.action(FORCE));
        assertEquals("ct(commit,force,zone=3)", force.toString());
    }

    @Test
    void nestedSetFieldOfCtMark() throws OFParseError {
        var of = OFFactories.getFactory(OFVersion.OF_13);
        NxCt ct = NxCt.commit(7).withActions(of.actions().setField(of.oxms().connTrackingMark(U32.of(1))));
        assertEquals(EXEC, Bytes.hex(ct));
        assertEquals(ct, Bytes.action(EXEC));
        assertEquals("ct(commit,zone=7,exec(set_field:0x1->ct_mark))", ct.toString());
    }

    @Test
    void nestedNat() throws OFParseError {
        NxCt reverse = NxCt.track(2, TableId.of(3)).withActions(NxNat.reverse());
        assertEquals(REVERSE_NAT, Bytes.hex(reverse));
        assertEquals(reverse, Bytes.action(REVERSE_NAT));
        assertEquals("ct(table=3,zone=2,nat)", reverse.toString());

        NxCt snat = NxCt.commit(5).withTable(TableId.of(1)).withActions(
                NxNat.src(IPv4Address.of("10.0.0.1"), IPv4Address.of("10.0.0.9"))
                        .ports(TransportPort.of(1000), TransportPort.of(2000)).withRandom());
        assertEquals(SNAT, Bytes.hex(snat));
        assertEquals(snat, Bytes.action(SNAT));
        assertEquals("ct(commit,table=1,zone=5,nat(src=10.0.0.1-10.0.0.9:1000-2000,random))", snat.toString());
    }

    @Test
    void decodedEqualsDeclaredAndHashesAlike() throws OFParseError {
        NxCt a = NxCt.track(5, TableId.of(1));
        NxCt b = (NxCt) Bytes.action(TRACK);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(new NxCt(false, false, 5, Optional.of(TableId.of(1)), 0, List.of()), b);
    }

    @Test
    void refusesWhatItCannotRepresent() {
        // zone taken from a field (zone_src != 0): ct(zone=NXM_NX_REG0[0..15])
        String zoneFromField = "ffff0018000023200023000000010004000fff0000000000";
        assertThrows(OFParseError.class, () -> Bytes.action(zoneFromField));
        // a length that is not a multiple of 8, and one longer than the bytes there
        assertThrows(OFParseError.class, () -> Bytes.action("ffff00170000232000230000000000000005010000000000"));
        assertThrows(OFParseError.class, () -> Bytes.action("ffff00200000232000230000000000000005010000000000"));
        // unknown flag bits
        assertThrows(OFParseError.class, () -> Bytes.action("ffff00180000232000230080000000000005010000000000"));
        assertThrows(IllegalArgumentException.class, () -> NxCt.track(70000, TableId.of(1)));
        assertThrows(IllegalArgumentException.class, () -> NxCt.track(1, TableId.of(255)));
        assertThrows(IllegalArgumentException.class,
                () -> new NxCt(false, true, 1, Optional.empty(), 0, List.of()));
    }

    @Test
    void everyNiciraActionSaysWhatItIs() {
        NxCt ct = NxCt.commit(1);
        assertEquals(0x2320L, ct.getExperimenter());
        assertEquals(NxCt.SUBTYPE, ct.subtype());
        assertTrue(assertThrows(UnsupportedOperationException.class, ct::createBuilder).getMessage()
                .contains("immutable"));
    }
}
