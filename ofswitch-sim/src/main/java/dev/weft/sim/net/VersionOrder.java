package dev.weft.sim.net;

import java.util.Set;
import java.util.TreeSet;
import org.projectfloodlight.openflow.protocol.OFVersion;

final class VersionOrder {
    private VersionOrder() {
    }

    static OFVersion highest(Set<OFVersion> versions) {
        return new TreeSet<>(versions).last();
    }
}
