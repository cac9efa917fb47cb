package dev.weft.ovsdb.rpc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OvsdbAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tcp:10.0.0.5:6640     | tcp:10.0.0.5:6640",
            "tcp:10.0.0.5          | tcp:10.0.0.5:6640",
            "ssl:hv1.example:6641  | ssl:hv1.example:6641",
            "tcp:[fd00::5]:6640    | tcp:[fd00::5]:6640",
            "ssl:[fd00::5]         | ssl:[fd00::5]:6640",
            "unix:/var/run/openvswitch/db.sock | unix:/var/run/openvswitch/db.sock"})
    void parsesWhatOpenVSwitchWrites(String text, String canonical) {
        assertEquals(canonical, OvsdbAddress.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5:6640      | unknown kind '10.0.0.5'",
            "ptcp:6640          | unknown kind 'ptcp'",
            "tcp:               | no host",
            "tcp:10.0.0.5:x     | port 'x' is not a number",
            "tcp:10.0.0.5:70000 | port 70000 is not 1..65535",
            "tcp:fd00::5:6640   | an IPv6 host goes in brackets",
            "tcp:[fd00::5       | unclosed [",
            "unix:              | no socket path",
            "nothing            | no kind"})
    void refusesWithTheReason(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OvsdbAddress.parse(text));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("expected tcp:HOST[:PORT], ssl:HOST[:PORT] or unix:PATH"), e.getMessage());
    }
}
