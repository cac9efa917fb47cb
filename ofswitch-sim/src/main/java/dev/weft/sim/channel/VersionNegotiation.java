package dev.weft.sim.channel;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;

/**
 * The switch side of OpenFlow version negotiation (1.3.1 §6.3.1): HELLO carries the highest
 * offered version and, from 1.3 on, a version bitmap; the agreed version is the highest common
 * one when both sent bitmaps, else the smaller of the two header versions if we offer it.
 */
final class VersionNegotiation {
    private VersionNegotiation() {
    }

    static OFVersion highest(Set<OFVersion> offered) {
        return new TreeSet<>(offered).last();
    }

    static OFHello hello(Set<OFVersion> offered) {
        OFVersion max = highest(offered);
        OFFactory f = OFFactories.getFactory(max);
        if (max.compareTo(OFVersion.OF_13) >= 0) {
            long bitmap = 0;
            for (OFVersion v : offered) {
                bitmap |= 1L << v.getWireVersion();
            }
            return f.buildHello().setXid(1).setElements(List.of(
                    f.buildHelloElemVersionbitmap().setBitmaps(List.of(U32.of(bitmap))).build())).build();
        }
        return f.buildHello().setXid(1).build();
    }

    /** The agreed version, or null when there is none. */
    static OFVersion negotiate(Set<OFVersion> offered, OFHello theirs) {
        Long bitmap = bitmapOf(theirs);
        if (bitmap != null && highest(offered).compareTo(OFVersion.OF_13) >= 0) {
            OFVersion best = null;
            for (OFVersion v : offered) {
                if ((bitmap & (1L << v.getWireVersion())) != 0 && (best == null || v.compareTo(best) > 0)) {
                    best = v;
                }
            }
            return best;
        }
        OFVersion mine = highest(offered);
        OFVersion agreed = theirs.getVersion().compareTo(mine) < 0 ? theirs.getVersion() : mine;
        return offered.contains(agreed) ? agreed : null;
    }

    private static Long bitmapOf(OFHello hello) {
        if (hello.getVersion().compareTo(OFVersion.OF_13) < 0) {
            return null;
        }
        for (OFHelloElem e : hello.getElements()) {
            if (e instanceof OFHelloElemVersionbitmap b && !b.getBitmaps().isEmpty()) {
                return b.getBitmaps().get(0).getValue();
            }
        }
        return null;
    }
}
