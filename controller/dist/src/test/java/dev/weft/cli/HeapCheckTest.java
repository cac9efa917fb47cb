package dev.weft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.tenant.NetworkConfig;
import org.junit.jupiter.api.Test;

/** The startup line that says when the heap limit is below what the configured site needs. */
class HeapCheckTest {

    @Test
    void aHeapBelowTheSitesNeedIsNamedWithTheOverride() {
        String w = HeapCheck.warning(NetworkConfig.empty(), 64L << 20).orElseThrow();
        assertTrue(w.contains("0 logical ports need about 128 MB of heap, and this JVM may use 64 MB"), w);
        assertTrue(w.contains("JAVA_OPTS=\"-XX:+UseG1GC -Xmx1g"), w);
    }

    @Test
    void theLaunchersDefaultHeapFitsASmallSite() {
        assertEquals(java.util.Optional.empty(), HeapCheck.warning(NetworkConfig.empty(), 1L << 30));
    }
}
