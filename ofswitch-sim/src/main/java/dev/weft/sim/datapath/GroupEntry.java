package dev.weft.sim.datapath;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFBucket;
import org.projectfloodlight.openflow.protocol.OFGroupType;

/** An installed group with its counters. Loop-thread only. */
final class GroupEntry {
    final int groupId;
    OFGroupType type;
    List<OFBucket> buckets;
    long packetCount;
    long byteCount;
    long[] bucketPackets;
    long[] bucketBytes;
    final long createdNanos;

    GroupEntry(int groupId, OFGroupType type, List<OFBucket> buckets, long nowNanos) {
        this.groupId = groupId;
        this.createdNanos = nowNanos;
        update(type, buckets);
    }

    void update(OFGroupType newType, List<OFBucket> newBuckets) {
        this.type = newType;
        this.buckets = List.copyOf(newBuckets);
        this.bucketPackets = new long[newBuckets.size()];
        this.bucketBytes = new long[newBuckets.size()];
    }
}
