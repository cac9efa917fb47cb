package dev.weft.ovsdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The datapath id as a table: what vswitchd uses ({@code datapath_id}, written back by it) and
 * what it is told ({@code other_config:datapath-id}). A change by hand shows in the second first;
 * Weft's repair may undo it before vswitchd reads it, so it must be alerted from the second too.
 */
class ChecksTest {
    static final Want WANT = new Want(new TransportNode("hv1", DatapathId.of(0xa1), IPv4Address.of("10.77.0.1")),
            List.of(), OvsdbSettings.defaults());

    /** The datapath-id alerts for a bridge with these two values (null: absent). */
    static List<String> dpidAlerts(String used, String told) throws Exception {
        String oc = told == null ? "[\"map\",[[\"disable-in-band\",\"true\"]]]"
                : "[\"map\",[[\"datapath-id\",\"" + told + "\"],[\"disable-in-band\",\"true\"]]]";
        String json = "{\"Open_vSwitch\":{\"r\":{\"new\":{\"bridges\":[\"uuid\",\"b\"],\"external_ids\":[\"map\",[]]}}},"
                + "\"Bridge\":{\"b\":{\"new\":{\"name\":\"br-int\",\"ports\":[\"set\",[]],\"controller\":[\"set\",[]],"
                + "\"fail_mode\":\"secure\",\"protocols\":\"OpenFlow13\",\"other_config\":" + oc + ",\"datapath_id\":"
                + (used == null ? "[\"set\",[]]" : "\"" + used + "\"") + ",\"datapath_type\":\"\"}}}}";
        Replica db = new Replica();
        db.apply(new ObjectMapper().readTree(json));
        return Checks.check(db, WANT, NetworkConfig.empty()).stream().filter(a -> a.kind().equals(Alert.DATAPATH_ID))
                .map(Alert::message).toList();
    }

    @Test
    void theDatapathIdIsWrongWhenEitherValueIs() throws Exception {
        String a1 = "00000000000000a1";
        String ee = "00000000000000ee";
        assertEquals(List.of(), dpidAlerts(a1, a1), "both right");
        assertEquals(List.of(), dpidAlerts(null, a1), "told right, vswitchd has not said yet");
        assertEquals(List.of("br-int has datapath id 00000000000000ee, not the configured 00000000000000a1; setting it"),
                dpidAlerts(a1, ee), "changed by hand, vswitchd not caught up yet");
        assertEquals(List.of("br-int has datapath id 00000000000000ee, not the configured 00000000000000a1; setting it"),
                dpidAlerts(ee, a1), "repaired, vswitchd not caught up yet");
        assertEquals(List.of("br-int has datapath id (none set), not the configured 00000000000000a1; setting it"),
                dpidAlerts(a1, null), "told nothing");
    }
}
