package dev.weft.apps.securitygroups;

import java.util.ArrayList;
import java.util.List;

/**
 * A port range as the fewest value/mask pairs that cover exactly it (what a switch can match:
 * {@code tcp_dst=0x1f40/0xffc0}), e.g. 8000-8080 is 8000/0xffc0, 8064/0xfff0, 8080/0xffff.
 */
final class PortRanges {
    /** One masked match: {@code value} with {@code mask}. */
    record Masked(int value, int mask) {
    }

    private PortRanges() {
    }

    static List<Masked> of(int min, int max) {
        if (min < 0 || max > 0xffff || min > max) {
            throw new IllegalArgumentException("port range " + min + "-" + max);
        }
        List<Masked> out = new ArrayList<>();
        int lo = min;
        while (lo <= max) {
            // The largest aligned block starting at lo that stays within max.
            int size = lo == 0 ? 0x10000 : Integer.lowestOneBit(lo);
            while (lo + size - 1 > max) {
                size >>= 1;
            }
            out.add(new Masked(lo, 0xffff & ~(size - 1)));
            lo += size;
        }
        return out;
    }
}
