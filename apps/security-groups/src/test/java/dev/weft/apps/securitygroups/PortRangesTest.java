package dev.weft.apps.securitygroups;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A port range as masked matches: exactly the range, no port outside it, few entries. */
class PortRangesTest {
    @ParameterizedTest(name = "{0}-{1}: {2} matches")
    @CsvSource({"80,80,1", "8000,8080,3", "1,65535,16", "0,65535,1", "1024,2047,1", "1000,2000,8", "22,23,1", "21,23,2",
            "65535,65535,1"})
    void coversExactlyTheRange(int min, int max, int entries) {
        List<PortRanges.Masked> l = PortRanges.of(min, max);
        assertEquals(entries, l.size(), l.toString());
        for (int port = 0; port <= 0xffff; port++) {
            final int p = port;
            long matching = l.stream().filter(m -> (p & m.mask()) == m.value()).count();
            boolean inside = port >= min && port <= max;
            assertEquals(inside ? 1 : 0, matching, "port " + port + " in " + min + "-" + max + ": " + l);
        }
        assertTrue(l.stream().allMatch(m -> (m.value() & ~m.mask() & 0xffff) == 0), "values carry no bits outside masks");
    }
}
