package dev.weft.apps.fabric;

import dev.weft.api.fabric.FabricStatus;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The fabric as people see it ({@link FabricStatus}): built from a pass's trees and tags. */
final class FabricViews {
    private FabricViews() {
    }

    /** Why a switch got {@code t}, in one sentence. */
    static FabricStatus.SwitchTarget choice(DatapathId dpid, OFVersion version, int reported, int usable,
                                            boolean fromTableFeatures, boolean forced, Target t) {
        String v = version(version);
        String tables = fromTableFeatures
                ? usable + " of its " + reported + " tables take entries (TABLE_FEATURES)"
                : reported + " table(s) (FEATURES_REPLY" + (version.compareTo(OFVersion.OF_13) >= 0 && reported >= 2
                        ? "; no TABLE_FEATURES answer)" : ")");
        String reason = switch (t) {
            case SINGLE_TABLE_OF10 -> "speaks OpenFlow " + v + " only: every stage in table 0, set_vlan_vid/strip_vlan, "
                    + "programmed by the fabric app";
            case SINGLE_TABLE -> forced ? "named under apps: fabric: single-table (" + tables + ")"
                    : "OpenFlow " + v + ", " + tables + ": fewer than the 2 the multi-table target needs";
            case MULTI_TABLE -> "OpenFlow " + v + ", " + tables + ": classify in table 0, forward in table 1";
        };
        return new FabricStatus.SwitchTarget(dpid, v, reported, usable, forced, name(t), reason);
    }

    static String name(Target t) {
        return t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String version(OFVersion v) {
        return switch (v) {
            case OF_10 -> "1.0";
            case OF_11 -> "1.1";
            case OF_12 -> "1.2";
            case OF_13 -> "1.3";
            case OF_14 -> "1.4";
            case OF_15 -> "1.5";
            default -> v.toString();
        };
    }

    static FabricStatus.Snapshot snapshot(long pass, Instant at, java.time.Duration took,
                                          Collection<FabricStatus.SwitchTarget> switches,
                                          Collection<SegmentTree> trees, LinkTags tags, int recomputed,
                                          boolean incremental) {
        List<FabricStatus.SwitchTarget> sw = new ArrayList<>(switches);
        sw.sort(Comparator.comparing(FabricStatus.SwitchTarget::dpid));
        List<FabricStatus.Segment> segs = new ArrayList<>();
        for (SegmentTree t : trees) {
            List<FabricStatus.Member> members = new ArrayList<>();
            t.allMembers().forEach(m -> members.add(new FabricStatus.Member(m.port().name(),
                    new SwitchPort(m.dpid(), m.ofPort()))));
            List<FabricStatus.LinkTag> links = new ArrayList<>();
            for (Link c : t.cables()) {
                links.add(new FabricStatus.LinkTag(c.src(), c.dst(), tags.tag(c, t.segment())));
            }
            segs.add(new FabricStatus.Segment(t.segment(), t.network().qualifiedName(), members, links,
                    t.vlanPort().map(v -> new FabricStatus.EdgeTag(new SwitchPort(v.dpid(), v.port()), v.vlan()))));
        }
        segs.sort(Comparator.comparingInt(FabricStatus.Segment::segment));
        return new FabricStatus.Snapshot(pass, at, took, recomputed, incremental, sw, segs);
    }
}
