package dev.weft.sim.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * User and system CPU time of a process or of one of its threads, as Linux reports it in
 * {@code /proc/PID/stat} and {@code /proc/PID/task/TID/stat} (fields 14 and 15, in clock ticks of
 * {@link #NANOS_PER_TICK}). Used by the bench to say what each response cost the controller and
 * the bench itself, and whether the bench's own I/O threads were the limit.
 *
 * @param name        the process's or thread's name ({@code comm})
 * @param userTicks   time in user mode
 * @param systemTicks time in the kernel on its behalf
 */
record CpuTimes(String name, long userTicks, long systemTicks) {

    /** Linux reports these times in USER_HZ ticks, 100 a second on every architecture it runs on. */
    static final long NANOS_PER_TICK = 10_000_000L;

    /** A whole process, or empty if it cannot be read (gone, not Linux). */
    static Optional<CpuTimes> ofProcess(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** Each thread of a process whose name starts with {@code prefix}; empty if none can be read. */
    static List<CpuTimes> threadsOf(long pid, String prefix) {
        List<CpuTimes> threads = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                read(task.resolve("stat")).filter(t -> t.name().startsWith(prefix)).ifPresent(threads::add);
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return threads;
    }

    private static Optional<CpuTimes> read(Path stat) {
        try {
            return parse(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * One {@code stat} line. The name is between the first '(' and the last ')' and may itself
     * hold spaces and parentheses; the fields after it are counted from the state (field 3).
     */
    static Optional<CpuTimes> parse(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Optional.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 13) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CpuTimes(stat.substring(open + 1, close),
                    Long.parseLong(fields[14 - 3]), Long.parseLong(fields[15 - 3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What was spent since {@code earlier} (the same process or thread). */
    CpuTimes since(CpuTimes earlier) {
        return new CpuTimes(name, userTicks - earlier.userTicks, systemTicks - earlier.systemTicks);
    }

    long totalTicks() {
        return userTicks + systemTicks;
    }

    long userNanos() {
        return userTicks * NANOS_PER_TICK;
    }

    long systemNanos() {
        return systemTicks * NANOS_PER_TICK;
    }

    long totalNanos() {
        return totalTicks() * NANOS_PER_TICK;
    }
}
