package dev.weft.sim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Another process's memory as Linux reports it in {@code /proc/PID/status}: resident set size
 * now ({@code VmRSS}) and its peak ({@code VmHWM}). Used by {@code weft bench --controller-pid}.
 */
record ProcessMemory(long rssKb, long peakKb) {

    static Optional<ProcessMemory> of(long pid) {
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            return rss < 0 ? Optional.empty() : Optional.of(new ProcessMemory(rss, hwm));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    String mb(long kb) {
        return String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
    }
}
