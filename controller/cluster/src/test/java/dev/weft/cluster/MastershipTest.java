package dev.weft.cluster;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is master of which switch: the same answer everywhere, balanced, and stable when members leave. */
class MastershipTest {

    @Test
    void threeHundredSwitchesSpreadEvenlyOverThreeInstances() {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 1; i <= 300; i++) {
            String m = Mastership.masterOf(DatapathId.of(i), List.of("weft-1", "weft-2", "weft-3")).orElseThrow();
            count.merge(m, 1, Integer::sum);
        }
        assertEquals(3, count.size(), count::toString);
        count.values().forEach(n -> assertTrue(n >= 80 && n <= 120, "uneven: " + count));
    }

    @Test
    void theAnswerDoesNotDependOnTheOrderMembersAreListed() {
        for (int i = 1; i <= 100; i++) {
            DatapathId d = DatapathId.of(0x5eed0000L + i);
            assertEquals(Mastership.masterOf(d, List.of("a", "b", "c")), Mastership.masterOf(d, List.of("c", "a", "b")));
        }
    }

    @Test
    void whenAnInstanceLeavesOnlyItsSwitchesMove() {
        int moved = 0;
        for (int i = 1; i <= 300; i++) {
            DatapathId d = DatapathId.of(i);
            String before = Mastership.masterOf(d, List.of("a", "b", "c")).orElseThrow();
            String after = Mastership.masterOf(d, List.of("a", "c")).orElseThrow();
            if (!before.equals("b")) {
                assertEquals(before, after, d + " moved although its master stayed");
            } else {
                moved++;
            }
        }
        assertTrue(moved > 0);
        assertTrue(Mastership.masterOf(DatapathId.of(1), List.of()).isEmpty());
    }
}
