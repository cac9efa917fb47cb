package dev.weft.api.topology;

import java.util.Comparator;
import java.util.Objects;

/**
 * A directed link: frames sent out of {@code src} arrive at {@code dst}. A cable between two
 * switches is two links, one per direction, each discovered on its own (a probe sent out of
 * {@code src} came back from {@code dst}).
 */
public record Link(SwitchPort src, SwitchPort dst) implements Comparable<Link> {
    private static final Comparator<Link> ORDER = Comparator.comparing(Link::src).thenComparing(Link::dst);

    public Link {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
    }

    public static Link of(long srcDpid, int srcPort, long dstDpid, int dstPort) {
        return new Link(SwitchPort.of(srcDpid, srcPort), SwitchPort.of(dstDpid, dstPort));
    }

    /** The same cable in the other direction. */
    public Link reversed() {
        return new Link(dst, src);
    }

    /** Whether this link starts or ends at {@code p}. */
    public boolean touches(SwitchPort p) {
        return src.equals(p) || dst.equals(p);
    }

    @Override
    public int compareTo(Link o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return src + " -> " + dst;
    }
}
