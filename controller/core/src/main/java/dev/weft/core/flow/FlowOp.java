package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.types.U64;

/**
 * One change to a switch's flow table, as {@link FlowTableDiff} decides it and
 * {@link FlowProgrammer} sends it: add (or replace) an entry, modify its instructions, or delete
 * it. {@code spec} is null for a delete.
 */
public record FlowOp(Kind kind, FlowKey key, FlowSpec spec, U64 cookie) {

    public enum Kind { ADD, MODIFY, DELETE }

    static FlowOp add(FlowKey key, FlowSpec spec, U64 cookie) {
        return new FlowOp(Kind.ADD, key, spec, cookie);
    }

    static FlowOp modify(FlowKey key, FlowSpec spec, U64 cookie) {
        return new FlowOp(Kind.MODIFY, key, spec, cookie);
    }

    static FlowOp delete(FlowKey key, U64 cookie) {
        return new FlowOp(Kind.DELETE, key, null, cookie);
    }
}
