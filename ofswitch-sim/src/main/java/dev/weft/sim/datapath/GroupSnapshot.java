package dev.weft.sim.datapath;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFBucket;
import org.projectfloodlight.openflow.protocol.OFGroupType;

/** An immutable copy of a group entry, for tests and the CLI. */
public record GroupSnapshot(int groupId, OFGroupType type, List<OFBucket> buckets, long packetCount, long byteCount) {
    public GroupSnapshot {
        buckets = List.copyOf(buckets);
    }
}
