package dev.weft.api.fabric;

import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.DatapathId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the fabric app shows of itself (REST {@code /api/v1/fabric/...}, {@code weft fabric}): per
 * fabric switch the compile target it chose and why, per segment the tag it carries on each cable
 * of its tree. An immutable snapshot of the fabric's last pass; readable from any thread.
 */
public interface FabricStatus {

    /** The fabric as its last pass left it. */
    Snapshot snapshot();

    /**
     * @param pass     how many passes ran (events are coalesced into passes)
     * @param at       when the pass ran
     * @param took     how long the pass took: trees, tags, entries compiled and handed to the
     *                 flow service (not their way to the switches)
     * @param recomputed  how many segments the pass recomputed (trees and entries)
     * @param incremental whether it recomputed only the segments a loss touched (links, ports or
     *                    switches lost, nothing else changed) rather than every segment
     * @param switches the fabric's switches, by datapath id
     * @param segments the segments with anything on the fabric, by segment id
     */
    record Snapshot(long pass, Instant at, Duration took, int recomputed, boolean incremental,
                    List<SwitchTarget> switches, List<Segment> segments) {
        public Snapshot {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(took, "took");
            switches = List.copyOf(switches);
            segments = List.copyOf(segments);
        }

        public static Snapshot empty(Instant at) {
            return new Snapshot(0, at, Duration.ZERO, 0, false, List.of(), List.of());
        }
    }

    /**
     * How a switch is programmed and why.
     *
     * @param version        the OpenFlow version it speaks ("1.0", "1.3"...)
     * @param tablesReported the table count of its FEATURES_REPLY
     * @param tablesUsable   how many tables, from 0 without a gap, can hold entries (TABLE_FEATURES;
     *                       the reported count when the switch does not answer, or speaks 1.0)
     * @param forcedSingle   named under {@code apps: fabric: single-table}
     * @param target         {@code multi-table}, {@code single-table} or {@code single-table-of10}
     * @param reason         the choice in one sentence
     */
    record SwitchTarget(DatapathId dpid, String version, int tablesReported, int tablesUsable, boolean forcedSingle,
                        String target, String reason) {
        public SwitchTarget {
            Objects.requireNonNull(dpid, "dpid");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A segment on the fabric.
     *
     * @param network  {@code tenant/network}
     * @param members  the edge ports of its logical ports on the fabric, by logical port name
     * @param links    each cable of its tree with the segment's tag there
     * @param vlanPort where it continues outside the fabric, tagged (a gateway node or a legacy VLAN)
     */
    record Segment(int segment, String network, List<Member> members, List<LinkTag> links,
                   Optional<EdgeTag> vlanPort) {
        public Segment {
            Objects.requireNonNull(network, "network");
            members = List.copyOf(members);
            links = List.copyOf(links);
            Objects.requireNonNull(vlanPort, "vlanPort");
        }
    }

    /** A logical port on a fabric edge port (untagged). */
    record Member(String port, SwitchPort at) {
    }

    /** A cable ({@code a} the end with the lower switch port) and the segment's tag on it; none when the cable is full. */
    record LinkTag(SwitchPort a, SwitchPort b, OptionalInt tag) {
        public LinkTag {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(b, "b");
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** An edge port where a segment leaves the fabric tagged. */
    record EdgeTag(SwitchPort at, int vlan) {
    }
}
