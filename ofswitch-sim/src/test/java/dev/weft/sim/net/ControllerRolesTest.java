package dev.weft.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;

/** The switch's side of controller roles (OpenFlow 1.3, 6.3.7). */
class ControllerRolesTest {
    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);

    @Test
    void oneMasterAtATimeAndStaleGenerationsAreRefused() {
        ControllerRoles<String> r = new ControllerRoles<>();
        r.connected("a");
        r.connected("b");
        assertEquals(OFControllerRole.ROLE_EQUAL, r.role("a"));
        assertTrue(r.request("a", OFControllerRole.ROLE_MASTER, U64.of(5)));
        assertTrue(r.request("b", OFControllerRole.ROLE_SLAVE, U64.of(5)));
        assertTrue(r.request("b", OFControllerRole.ROLE_MASTER, U64.of(6)));
        assertEquals(OFControllerRole.ROLE_SLAVE, r.role("a"), "a new master demotes the old one");
        assertEquals(OFControllerRole.ROLE_MASTER, r.role("b"));
        assertFalse(r.request("a", OFControllerRole.ROLE_MASTER, U64.of(5)), "stale");
        assertEquals(OFControllerRole.ROLE_SLAVE, r.role("a"));
        assertEquals(U64.of(6), r.generation());
        // EQUAL and NOCHANGE carry no generation check
        assertTrue(r.request("a", OFControllerRole.ROLE_EQUAL, U64.of(0)));
        assertEquals(OFControllerRole.ROLE_EQUAL, r.role("a"));
        assertTrue(r.request("a", OFControllerRole.ROLE_NOCHANGE, U64.of(0)));
        assertEquals(OFControllerRole.ROLE_EQUAL, r.role("a"));
    }

    @Test
    void generationIdsWrapAsSignedDistances() {
        ControllerRoles<String> r = new ControllerRoles<>();
        r.connected("a");
        assertTrue(r.request("a", OFControllerRole.ROLE_MASTER, U64.of(0xffff_ffff_ffff_fffeL)));
        assertTrue(r.request("a", OFControllerRole.ROLE_MASTER, U64.of(1)), "1 is newer than 2^64-2");
        assertFalse(r.request("a", OFControllerRole.ROLE_MASTER, U64.of(0xffff_ffff_ffff_ffffL)));
    }

    @Test
    void slavesMayReadButNotChangeAndGetNoPacketIns() {
        ControllerRoles<String> r = new ControllerRoles<>();
        r.connected("s");
        r.request("s", OFControllerRole.ROLE_SLAVE, U64.of(1));
        assertFalse(r.accepts("s", f.buildFlowAdd().build()));
        assertFalse(r.accepts("s", f.buildPacketOut().build()));
        assertFalse(r.accepts("s", f.buildGroupAdd().setGroupType(org.projectfloodlight.openflow.protocol.OFGroupType.ALL).build()));
        assertTrue(r.accepts("s", f.buildFlowStatsRequest().build()));
        assertTrue(r.accepts("s", f.buildBarrierRequest().build()));
        assertFalse(r.receives("s", OFType.PACKET_IN));
        assertFalse(r.receives("s", OFType.FLOW_REMOVED));
        assertTrue(r.receives("s", OFType.PORT_STATUS));
        r.disconnected("s");
        assertEquals(OFControllerRole.ROLE_EQUAL, r.role("s"), "a new connection starts EQUAL");
    }
}
