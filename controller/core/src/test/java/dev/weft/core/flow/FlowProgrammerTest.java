package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What goes on the wire for each operation, for OpenFlow 1.3, 1.4 and 1.5 factories. */
class FlowProgrammerTest {
    private static final U64 COOKIE = U64.of(0x0070_0000_6400_0000L);

    @Test
    void eachOperationBecomesTheStrictFlowModOfItsOwner() {
        for (OFVersion v : List.of(OFVersion.OF_13, OFVersion.OF_14, OFVersion.OF_15)) {
            OFFactory f = OFFactories.getFactory(v);
            FlowSpec spec = FlowSpec.of(TableId.of(3), 77,
                    List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(2), 0)))),
                    f.oxms().inPort(OFPort.of(1)));
            FlowKey key = FlowKey.of(spec);

            OFFlowMod add = FlowProgrammer.encode(f, FlowOp.add(key, spec, COOKIE));
            assertEquals(OFFlowModCommand.ADD, add.getCommand(), v.toString());
            assertEquals(TableId.of(3), add.getTableId());
            assertEquals(77, add.getPriority());
            assertEquals(COOKIE, add.getCookie());
            assertEquals(spec.instructions(), add.getInstructions());
            assertEquals(spec.fields(), FlowSpec.fieldsOf(add.getMatch()));

            OFFlowMod mod = FlowProgrammer.encode(f, FlowOp.modify(key, spec, COOKIE));
            assertEquals(OFFlowModCommand.MODIFY_STRICT, mod.getCommand(), v.toString());
            assertEquals(U64.NO_MASK, mod.getCookieMask(), "only the owner's entry is modified");
            assertEquals(spec.instructions(), mod.getInstructions());

            OFFlowMod del = FlowProgrammer.encode(f, FlowOp.delete(key, COOKIE));
            assertEquals(OFFlowModCommand.DELETE_STRICT, del.getCommand(), v.toString());
            OFFlowDeleteStrict ds = (OFFlowDeleteStrict) del;
            assertEquals(COOKIE, ds.getCookie());
            assertEquals(U64.NO_MASK, ds.getCookieMask(), "only the owner's entry is deleted");
            assertEquals(OFPort.ANY, ds.getOutPort());
            assertEquals(OFGroup.ANY, ds.getOutGroup());
            assertEquals(77, ds.getPriority());
            assertEquals(spec.fields(), FlowSpec.fieldsOf(ds.getMatch()));
        }
    }

    @Test
    void theFirstBatchOfAVersionWarmsEveryKindOfFlowModOnce() {
        FlowProgrammer.forgetWarmUp();
        OFFactory f = OFFactories.getFactory(OFVersion.OF_14);
        FlowSpec spec = FlowSpec.of(TableId.of(3), 77,
                List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(2), 0)))),
                f.oxms().inPort(OFPort.of(1)));
        FlowKey key = FlowKey.of(spec);
        // Deletes alone carry no entry to encode as an add or a modify: they do not use up the warm-up.
        assertEquals(0, FlowProgrammer.warmUp(f, List.of(FlowOp.delete(key, COOKIE))));
        assertEquals(3, FlowProgrammer.warmUp(f, List.of(FlowOp.add(key, spec, COOKIE), FlowOp.delete(key, COOKIE))),
                "one entry as add, strict modify and strict delete");
        assertEquals(0, FlowProgrammer.warmUp(f, List.of(FlowOp.add(key, spec, COOKIE))), "once per version");
        OFFactory f15 = OFFactories.getFactory(OFVersion.OF_15);
        FlowSpec spec15 = FlowSpec.of(TableId.of(3), 77,
                List.of(f15.instructions().applyActions(List.of(f15.actions().output(OFPort.of(2), 0)))),
                f15.oxms().inPort(OFPort.of(1)));
        List<FlowOp> many = new java.util.ArrayList<>();
        for (int i = 0; i < FlowProgrammer.WARM_UP_ENTRIES + 10; i++) {
            many.add(FlowOp.add(FlowKey.of(spec15), spec15, COOKIE));
        }
        assertEquals(3 * FlowProgrammer.WARM_UP_ENTRIES, FlowProgrammer.warmUp(f15, many), "a bounded sample");
        FlowProgrammer.forgetWarmUp();
    }

    @Test
    void theAppIsTheCookiesTopTwelveBits() {
        assertEquals(7, FlowProgrammer.appOf(COOKIE));
        assertEquals(0xfff, FlowProgrammer.appOf(U64.of(-1L)));
        assertEquals(0, FlowProgrammer.appOf(U64.ZERO));
    }
}
