package dev.weft.sim.datapath;

import java.util.List;
import org.projectfloodlight.openflow.protocol.action.OFAction;

/**
 * The instructions of a flow entry in normal form. A 1.0 action list is {@code apply} with
 * nothing else. {@code gotoTable} is -1 when the entry ends the pipeline.
 */
record Program(List<OFAction> apply, boolean clear, List<OFAction> write, long metadata, long metadataMask,
               int gotoTable, long meter) {
    /** No meter instruction. */
    static final long NO_METER = -1;

    static Program applyOnly(List<OFAction> actions) {
        return new Program(List.copyOf(actions), false, List.of(), 0, 0, -1, NO_METER);
    }

    boolean writesMetadata() {
        return metadataMask != 0;
    }
}
