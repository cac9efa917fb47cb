package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuTimesTest {

    @Test
    void readsUserAndSystemTicksPastANameWithSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 517 233 0 0 20 0 12 0 100 0 0";
        CpuTimes t = CpuTimes.parse(stat).orElseThrow();
        assertEquals("C2 Compiler) x", t.name());
        assertEquals(517, t.userTicks());
        assertEquals(233, t.systemTicks());
        assertEquals(750 * CpuTimes.NANOS_PER_TICK, t.totalNanos());
    }

    @Test
    void aLineThatIsNotAStatLineIsNothing() {
        assertTrue(CpuTimes.parse("").isEmpty());
        assertTrue(CpuTimes.parse("12 (x) S 1 2").isEmpty());
        assertTrue(CpuTimes.parse("12 (x) S 1 2 3 4 5 6 7 8 9 ten eleven 0 0 0").isEmpty());
    }

    @Test
    void subtractsAnEarlierReading() {
        CpuTimes spent = new CpuTimes("t", 50, 70).since(new CpuTimes("t", 20, 30));
        assertEquals(30, spent.userTicks());
        assertEquals(40, spent.systemTicks());
    }

    @Test
    void findsThisProcessAndItsThreadsByName() throws Exception {
        assertTrue(CpuTimes.ofProcess(ProcessHandle.current().pid()).isPresent());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            started.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, BenchThreadFactory.PREFIX + "97");
        thread.start();
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS));
            List<CpuTimes> threads = CpuTimes.threadsOf(ProcessHandle.current().pid(), BenchThreadFactory.PREFIX);
            assertTrue(threads.stream().anyMatch(t -> t.name().equals(BenchThreadFactory.PREFIX + "97")),
                    threads.toString());
            assertTrue(threads.stream().allMatch(t -> t.name().startsWith(BenchThreadFactory.PREFIX)), threads.toString());
        } finally {
            done.countDown();
            thread.join();
        }
    }

    @Test
    void aProcessThatDoesNotExistIsNothing() {
        assertTrue(CpuTimes.ofProcess(Long.MAX_VALUE).isEmpty());
        assertTrue(CpuTimes.threadsOf(Long.MAX_VALUE, "").isEmpty());
    }
}
