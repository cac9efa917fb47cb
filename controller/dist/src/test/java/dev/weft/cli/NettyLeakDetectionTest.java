package dev.weft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.ResourceLeakDetector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NettyLeakDetectionTest {

    @Test
    void theControllerRunsWithoutLeakDetectionByDefault() {
        assertEquals(ResourceLeakDetector.Level.DISABLED, NettyLeakDetection.chosen(k -> null));
    }

    @Test
    void aLevelAskedForIsKept() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        try {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // as Netty reads the property
            assertEquals(ResourceLeakDetector.Level.PARANOID,
                    NettyLeakDetection.chosen(Map.of(NettyLeakDetection.PROPERTY, "paranoid")::get));
            assertEquals(ResourceLeakDetector.Level.PARANOID,
                    NettyLeakDetection.chosen(Map.of(NettyLeakDetection.OLD_PROPERTY, "paranoid")::get));
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }
}
