package dev.weft.apps.fabric;

import org.projectfloodlight.openflow.protocol.OFTableFeatures;
import org.projectfloodlight.openflow.protocol.OFTableFeaturesStatsReply;

import java.util.List;
import java.util.TreeMap;

/** How many tables, from table 0 on without a gap, a switch's TABLE_FEATURES say can hold entries. */
final class TableCount {
    private TableCount() {
    }

    static int usable(List<OFTableFeaturesStatsReply> parts) {
        TreeMap<Short, Long> max = new TreeMap<>();
        for (OFTableFeaturesStatsReply r : parts) {
            for (OFTableFeatures f : r.getEntries()) {
                max.put(f.getTableId().getValue(), f.getMaxEntries());
            }
        }
        int n = 0;
        while (max.getOrDefault((short) n, 0L) > 0) {
            n++;
        }
        return Math.max(n, 1);
    }
}
