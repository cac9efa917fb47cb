package dev.weft.sim.datapath;

import org.projectfloodlight.openflow.types.U64;

/**
 * One table a packet went through: the entry that matched ({@code priority}, {@code cookie}), or a
 * miss ({@code priority} -1). {@code metadata} is the pipeline metadata as the packet entered
 * the table (what earlier tables wrote).
 */
public record TableVisit(int table, int priority, U64 cookie, long metadata) {
    static TableVisit miss(int table, long metadata) {
        return new TableVisit(table, -1, U64.ZERO, metadata);
    }

    public boolean isMiss() {
        return priority < 0;
    }

    @Override
    public String toString() {
        return "table " + table + (isMiss() ? " miss" : " priority " + priority)
                + (metadata == 0 ? "" : " metadata 0x" + Long.toHexString(metadata));
    }
}
