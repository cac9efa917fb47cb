package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.sim.bench.Bench;
import dev.weft.sim.bench.BenchConfig;
import dev.weft.sim.bench.BenchMode;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.LoggerFactory;

/**
 * Issue 11, a cold controller at 1,000 switches: a switch's lane wrote a "connected" line as it
 * activated the switch, and on a cold JVM that line was about half of an activation's cost, while
 * the switches already active waited behind the activations for their first read. Now a burst of
 * connects writes at most {@link BurstLog#PER_SECOND} lines one by one in any second and one
 * summary line for the rest; so do disconnects. Counted, not timed: the manager's log clock is
 * frozen, so every connect of the run falls into one second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectBurstLogTest {
    private static final int SWITCHES = 60;
    private static final Pattern SUMMARY = Pattern.compile("^(\\d+) more switches (connected|disconnected) ");

    /** The manager's INFO lines. */
    private static final class Lines extends AppenderBase<ILoggingEvent> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        /** Every switch's connect and disconnect is accounted for, one by one or in a summary. */
        final CountDownLatch complete = new CountDownLatch(1);

        @Override
        protected void append(ILoggingEvent e) {
            messages.add(e.getFormattedMessage());
            if (count(" connected from ") + summarised("connected") == SWITCHES
                    && count(" disconnected: ") + summarised("disconnected") == SWITCHES) {
                complete.countDown();
            }
        }

        long count(String part) {
            return messages.stream().filter(m -> m.contains(part)).count();
        }

        long summarised(String what) {
            long n = 0;
            for (String m : messages) {
                Matcher x = SUMMARY.matcher(m);
                if (x.find() && x.group(2).equals(what)) {
                    n += Long.parseLong(x.group(1));
                }
            }
            return n;
        }
    }

    @Test
    void aBurstOfConnectsWritesTenLinesAndASummary() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(SwitchManager.class);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        Lines lines = new Lines();
        lines.setContext(logger.getLoggerContext());
        lines.start();
        logger.addAppender(lines);
        try (Dispatcher dispatcher = new Dispatcher(2);
             OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10),
                     Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), false),
                     new SwitchManager(dispatcher, new EventBus(), Duration.ofSeconds(5),
                             SwitchManager.DEFAULT_TAKEOVER_PROBE, () -> 0L),
                     dispatcher, Clock.systemUTC())) {
            InetSocketAddress addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
            Bench.run(BenchConfig.builder().host("127.0.0.1").port(addr.getPort())
                    .switches(SWITCHES).mode(BenchMode.THROUGHPUT).loops(1).warmupLoops(0).msPerTest(100)
                    .macsPerSwitch(10).learnDestinationMacs(false).build());
            assertTrue(lines.complete.await(30, TimeUnit.SECONDS), "connects or disconnects not accounted for: "
                    + lines.messages);
            assertEquals(BurstLog.PER_SECOND, lines.count(" connected from "), "connect lines one by one");
            assertEquals(SWITCHES - BurstLog.PER_SECOND, lines.summarised("connected"), lines.messages.toString());
            assertEquals(BurstLog.PER_SECOND, lines.count(" disconnected: "), "disconnect lines one by one");
            assertEquals(SWITCHES - BurstLog.PER_SECOND, lines.summarised("disconnected"), lines.messages.toString());
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
    }
}
