package dev.weft.cli;

import io.netty.util.ResourceLeakDetector;
import java.util.function.UnaryOperator;

/**
 * The controller process runs without Netty's buffer leak detection unless it is asked for. Netty's
 * default ({@code SIMPLE}) records the stack of one buffer allocation in 128: on the packet-in path
 * (a read buffer, a decoder buffer and an output buffer per response) that was a
 * {@code Throwable.fillInStackTrace} every 40-odd responses, about 1.3% of the dispatch threads'
 * time in a profile of the latency bench (2026-12-06), and more on a cold JVM. Tests and anyone
 * who sets {@code -Dio.netty.leakDetection.level=...} (or Netty's older
 * {@code io.netty.leakDetectionLevel}) keep what they asked for.
 */
final class NettyLeakDetection {
    static final String PROPERTY = "io.netty.leakDetection.level";
    static final String OLD_PROPERTY = "io.netty.leakDetectionLevel";

    private NettyLeakDetection() {
    }

    /** The level the controller runs with, given the system properties. */
    static ResourceLeakDetector.Level chosen(UnaryOperator<String> properties) {
        if (properties.apply(PROPERTY) != null || properties.apply(OLD_PROPERTY) != null) {
            return ResourceLeakDetector.getLevel(); // Netty has read the user's setting
        }
        return ResourceLeakDetector.Level.DISABLED;
    }

    /** Applies {@link #chosen} to this JVM (before the controller allocates its first buffer). */
    static void apply() {
        ResourceLeakDetector.setLevel(chosen(System::getProperty));
    }
}
