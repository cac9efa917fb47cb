package dev.weft.apps.mobility;

import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.mobility.api.PortCounters;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StateCodecTest {
    private static final DatapathId HV1 = DatapathId.of(0xa1);
    private static final DatapathId HV2 = DatapathId.of(0xa2);

    @Test
    void aMigrationReadsBackEqual() {
        Migration m = new Migration(41, Migration.Kind.LOGICAL_PORT, "acme-web1", "acme/web",
                MacAddress.of("02:00:0a:00:01:0b"), Optional.of(new PortLocation(HV1, OFPort.of(3))),
                new PortLocation(HV2, OFPort.of(7)), "port vm-acme-web1 added on hv2 (\"quoted\")",
                Instant.parse("2026-12-04T20:00:00.123456789Z"), Optional.of(Duration.ofNanos(3_712_345)),
                Optional.of(Duration.ofNanos(812_000)), Map.of(HV1, 4, HV2, 9), Set.of(HV1));
        assertEquals(m, StateCodec.migration(StateCodec.migration(m)));
        Migration host = new Migration(42, Migration.Kind.HOST, "02:00:00:00:00:01", "",
                MacAddress.of("02:00:00:00:00:01"), Optional.empty(), new PortLocation(HV1, OFPort.of(1)),
                "host seen", Instant.EPOCH, Optional.empty(), Optional.empty(), Map.of(), Set.of());
        assertEquals(host, StateCodec.migration(StateCodec.migration(host)));
    }

    @Test
    void countersReadBackEqual() {
        PortCounters c = new PortCounters(1, Long.MAX_VALUE, 3, 4, 5);
        StateCodec.PastCounters p = StateCodec.counters(StateCodec.counters("acme-web1", c));
        assertEquals("acme-web1", p.port());
        assertEquals(c, p.counters());
    }

    @Test
    void aRecordThatIsNotOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StateCodec.migration("{\"seq\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> StateCodec.migration("[1]"));
        assertThrows(IllegalArgumentException.class, () -> StateCodec.counters("not json"));
    }
}
