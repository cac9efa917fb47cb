package dev.weft.ovsext;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TransportPort;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * NXAST_NAT (inside ct) against Open vSwitch 3.1: golden bytes captured from {@code ovs-ofctl -O
 * OpenFlow13 add-flow} for the flows in the comments (the ct part is {@link #CT_COMMIT}), text as
 * {@code ovs-ofctl parse-flow} prints it.
 */
class NxNatTest {
    /** The ct(commit) around each nat below. */
    static final String CT_COMMIT = "ffff00300000232000230001000000000000ff0000000000";

    private static NxCt commit(NxNat nat) {
        return NxCt.commit(0).withActions(nat);
    }

    private static void same(NxNat nat, String natHex, String text) throws OFParseError {
        NxCt ct = commit(nat);
        assertEquals(CT_COMMIT + natHex, Bytes.hex(ct));
        assertEquals(ct, Bytes.action(CT_COMMIT + natHex));
        assertEquals("ct(commit," + text + ")", ct.toString());
        assertEquals(text, nat.toString());
    }

    @Test
    void dstAddress() throws OFParseError {
        // ip,actions=ct(commit,nat(dst=192.168.0.10))
        same(NxNat.dst(IPv4Address.of("192.168.0.10")), "ffff0018000023200024000000020001c0a8000a00000000",
                "nat(dst=192.168.0.10)");
    }

    @Test
    void dstAddressAndPort() throws OFParseError {
        // ip,actions=ct(commit,nat(dst=192.168.0.10:80))
        same(NxNat.dst(IPv4Address.of("192.168.0.10"), TransportPort.of(80)),
                "ffff0018000023200024000000020011c0a8000a00500000", "nat(dst=192.168.0.10:80)");
    }

    @Test
    void srcRange() throws OFParseError {
        // ip,actions=ct(commit,nat(src=10.0.0.1-10.0.0.9))
        same(NxNat.src(IPv4Address.of("10.0.0.1"), IPv4Address.of("10.0.0.9")),
                "ffff00180000232000240000000100030a0000010a000009", "nat(src=10.0.0.1-10.0.0.9)");
    }

    @Test
    void srcPortRangeWithFlags() throws OFParseError {
        // ip,actions=ct(commit,nat(src=10.0.0.1:1000-2000,persistent,hash))
        same(NxNat.src(IPv4Address.of("10.0.0.1")).ports(TransportPort.of(1000), TransportPort.of(2000))
                        .withPersistent().withHash(),
                "ffff00180000232000240000000d00310a00000103e807d0", "nat(src=10.0.0.1:1000-2000,persistent,hash)");
    }

    @Test
    void bareNatIsTheReverse() throws OFParseError {
        assertEquals("ffff0010000023200024000000000000", Bytes.hex(NxNat.reverse()));
        assertEquals(List.of(NxNat.reverse()), Bytes.actions("ffff0010000023200024000000000000"));
        assertEquals("nat", NxNat.reverse().toString());
    }

    @Test
    void refusesMalformed() {
        // src and dst together
        assertThrows(OFParseError.class, () -> Bytes.action("ffff0010000023200024000000030000"));
        // IPv6 range present
        assertThrows(OFParseError.class, () -> Bytes.action("ffff0028000023200024000000010004"
                + "00000000000000000000000000000001" + "0000000000000000"));
        // range says an address follows but the action ends
        assertThrows(OFParseError.class, () -> Bytes.action("ffff0010000023200024000000010001"));
        // non-zero padding
        assertThrows(OFParseError.class, () -> Bytes.action("ffff0010000023200024010000000000"));
        assertThrows(IllegalArgumentException.class,
                () -> NxNat.src(IPv4Address.of("10.0.0.1")).withHash().withRandom());
    }
}
