package dev.weft.sim.packet;

/** The Internet checksum (RFC 1071) over frame bytes. */
public final class Checksums {
    private Checksums() {
    }

    /** One's-complement sum of {@code len} bytes at {@code off}, folded to 16 bits, not inverted. */
    static long sum(byte[] b, int off, int len, long initial) {
        long sum = initial;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += Bytes.u16(b, off + i);
        }
        if (i < len) {
            sum += (b[off + i] & 0xff) << 8;
        }
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The checksum of a byte range (e.g. an IPv4 header with its checksum field zeroed). */
    public static int internet(byte[] b, int off, int len) {
        return fold(sum(b, off, len, 0));
    }

    /** True when the range, including its stored checksum, sums to zero as RFC 1071 requires. */
    public static boolean verify(byte[] b, int off, int len) {
        return internet(b, off, len) == 0;
    }
}
