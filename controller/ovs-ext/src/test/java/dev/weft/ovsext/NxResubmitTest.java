package dev.weft.ovsext;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** NXAST_RESUBMIT(_TABLE) and NXAST_CT_CLEAR against Open vSwitch 3.1 (bytes from {@code ovs-ofctl add-flow}). */
class NxResubmitTest {
    @Test
    void resubmitToTableFromTheInputPort() throws OFParseError {
        // actions=resubmit(,5)
        String golden = "ffff001000002320000efff805000000";
        NxResubmit r = NxResubmit.table(TableId.of(5));
        assertEquals(golden, Bytes.hex(r));
        assertEquals(r, Bytes.action(golden));
        assertEquals(OFPort.IN_PORT, ((NxResubmit) Bytes.action(golden)).inPort());
        assertEquals("resubmit(,5)", r.toString());
    }

    @Test
    void resubmitAsIfFromAnotherPort() throws OFParseError {
        // actions=resubmit(7,5)
        String golden = "ffff001000002320000e000705000000";
        NxResubmit r = new NxResubmit(OFPort.of(7), TableId.of(5));
        assertEquals(golden, Bytes.hex(r));
        assertEquals(r, Bytes.action(golden));
        assertEquals("resubmit(7,5)", r.toString());
    }

    @Test
    void portsWithoutAnOpenFlow10NumberAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NxResubmit(OFPort.of(0x10000), TableId.of(1)));
    }

    @Test
    void ctClear() throws OFParseError {
        // actions=ct_clear
        String golden = "ffff001000002320002b000000000000";
        assertEquals(golden, Bytes.hex(NxCtClear.INSTANCE));
        assertEquals(NxCtClear.INSTANCE, Bytes.action(golden));
        assertEquals("ct_clear", NxCtClear.INSTANCE.toString());
    }
}
