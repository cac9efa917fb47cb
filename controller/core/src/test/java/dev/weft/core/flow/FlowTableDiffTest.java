package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow-programming rules as a table: for an entry, what an app wants, what the switch has
 * (as read), whether the startup hold is on, and the one operation (or none) a pass must send.
 * Then the rules that need more than one step: declarations replacing scopes, two apps wanting
 * one entry, drift found by a later read, a rejected entry, the hold's pending work.
 */
class FlowTableDiffTest {
    private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
    private static final int APP = 7;
    private static final int OTHER_APP = 9;
    private static final U64 COOKIE = cookie(APP, 100);
    private static final U64 OTHER_COOKIE = cookie(OTHER_APP, 100);

    private static U64 cookie(int app, int scope) {
        return U64.of(((long) app << 52) | ((long) scope << 28));
    }

    private static List<OFInstruction> toPort(int port) {
        return List.of(OF.instructions().applyActions(List.of(OF.actions().output(OFPort.of(port), 0))));
    }

    private static FlowSpec entry(int inPort, int outPort) {
        return FlowSpec.of(TableId.of(4), 10, toPort(outPort), OF.oxms().inPort(OFPort.of(inPort)));
    }

    private static final FlowSpec WANTED = entry(1, 2);

    /** What the switch has for WANTED's key: nothing, the same, other instructions, or another owner. */
    enum Have {
        NOTHING, SAME, OTHER_INSTRUCTIONS, OTHER_COOKIE, SAME_BUT_CONTROLLER_MAX_LEN
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                // wanted, have, holding -> expected operation (null: none)
                Arguments.of("missing entry is added", true, Have.NOTHING, false, FlowOp.Kind.ADD),
                Arguments.of("entry already right is adopted", true, Have.SAME, false, null),
                Arguments.of("other instructions are modified in place", true, Have.OTHER_INSTRUCTIONS, false,
                        FlowOp.Kind.MODIFY),
                Arguments.of("another owner's entry is replaced", true, Have.OTHER_COOKIE, false, FlowOp.Kind.ADD),
                Arguments.of("unwanted entry is deleted", false, Have.SAME, false, FlowOp.Kind.DELETE),
                Arguments.of("nothing wanted, nothing there", false, Have.NOTHING, false, null),
                Arguments.of("hold: a missing entry is still added", true, Have.NOTHING, true, FlowOp.Kind.ADD),
                Arguments.of("hold: right entry adopted", true, Have.SAME, true, null),
                Arguments.of("hold: no modification", true, Have.OTHER_INSTRUCTIONS, true, null),
                Arguments.of("hold: no replacement", true, Have.OTHER_COOKIE, true, null),
                Arguments.of("hold: no deletion", false, Have.SAME, true, null),
                Arguments.of("max_len of a non-controller output is not a difference", true,
                        Have.SAME_BUT_CONTROLLER_MAX_LEN, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void onePassAfterARead(String rule, boolean wanted, Have have, boolean holding, FlowOp.Kind expected) {
        FlowTableDiff t = new FlowTableDiff();
        if (wanted) {
            t.declare(APP, 100, COOKIE, List.of(WANTED));
        }
        Map<FlowKey, FlowTableDiff.Installed> actual = new HashMap<>();
        FlowKey key = FlowKey.of(WANTED);
        switch (have) {
            case SAME -> actual.put(key, new FlowTableDiff.Installed(COOKIE, WANTED.instructions()));
            case OTHER_INSTRUCTIONS -> actual.put(key, new FlowTableDiff.Installed(COOKIE, toPort(3)));
            case OTHER_COOKIE -> actual.put(key, new FlowTableDiff.Installed(OTHER_COOKIE, WANTED.instructions()));
            case SAME_BUT_CONTROLLER_MAX_LEN -> actual.put(key, new FlowTableDiff.Installed(COOKIE, List.of(
                    OF.instructions().applyActions(List.of(OF.actions().output(OFPort.of(2), 0xffff))))));
            case NOTHING -> {
            }
        }
        t.read(actual);
        List<FlowOp> ops = t.pass(holding);
        if (expected == null) {
            assertEquals(List.of(), ops, rule);
        } else {
            assertEquals(1, ops.size(), rule + ": " + ops);
            FlowOp op = ops.get(0);
            assertEquals(expected, op.kind(), rule);
            assertEquals(key, op.key(), rule);
            assertEquals(COOKIE, op.cookie(), rule);
            if (expected != FlowOp.Kind.DELETE) {
                assertEquals(WANTED.instructions(), op.spec().instructions(), rule);
            }
        }
        // Whatever a pass did, a second pass without news sends nothing.
        assertEquals(List.of(), t.pass(holding), rule + " (second pass)");
    }

    @Test
    void aDeleteCarriesTheCookieTheSwitchHas() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of(FlowKey.of(WANTED), new FlowTableDiff.Installed(OTHER_COOKIE, WANTED.instructions())));
        List<FlowOp> ops = t.pass(false);
        assertEquals(List.of(FlowOp.delete(FlowKey.of(WANTED), OTHER_COOKIE)), ops);
    }

    @Test
    void redeclaringAScopeSendsOnlyTheDelta() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of());
        FlowSpec a = entry(1, 2);
        FlowSpec b = entry(2, 1);
        FlowSpec c = entry(3, 1);
        t.declare(APP, 100, COOKIE, List.of(a, b));
        assertEquals(2, kinds(t.pass(false)).stream().filter(FlowOp.Kind.ADD::equals).count());
        FlowSpec b2 = entry(2, 3);
        t.declare(APP, 100, COOKIE, List.of(b2, c));
        List<FlowOp> ops = t.pass(false);
        Map<FlowKey, FlowOp.Kind> byKey = new HashMap<>();
        ops.forEach(o -> byKey.put(o.key(), o.kind()));
        assertEquals(Map.of(FlowKey.of(a), FlowOp.Kind.DELETE, FlowKey.of(b), FlowOp.Kind.MODIFY,
                FlowKey.of(c), FlowOp.Kind.ADD), byKey);
        t.declare(APP, 100, COOKIE, List.of(b2, c));
        assertFalse(t.hasChanges(), "the same declaration again changes nothing");
        assertEquals(2, t.installedCount());
        assertEquals(2, t.desiredCount());
    }

    @Test
    void anEmptyDeclarationForgetsTheScopeAndDeletesItsEntries() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of());
        t.declare(APP, 100, COOKIE, List.of(entry(1, 2), entry(2, 1)));
        t.declare(APP, 200, cookie(APP, 200), List.of(entry(5, 6)));
        t.pass(false);
        t.declare(APP, 100, COOKIE, List.of());
        assertEquals(List.of(FlowOp.Kind.DELETE, FlowOp.Kind.DELETE), kinds(t.pass(false)));
        assertEquals(java.util.Set.of(200), t.scopesOf(APP));
        assertTrue(t.wantsAnything());
        t.declare(APP, 200, cookie(APP, 200), List.of());
        assertFalse(t.wantsAnything());
    }

    @Test
    void twoOwnersOfOneEntryAreReportedAndTheLaterWins() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of());
        assertEquals(List.of(), t.declare(APP, 100, COOKIE, List.of(WANTED)));
        List<FlowTableDiff.Conflict> c = t.declare(OTHER_APP, 100, OTHER_COOKIE, List.of(WANTED));
        assertEquals(1, c.size());
        assertEquals(APP, c.get(0).before().appId());
        assertEquals(OTHER_APP, c.get(0).now().appId());
        List<FlowOp> ops = t.pass(false);
        assertEquals(1, ops.size());
        assertEquals(OTHER_COOKIE, ops.get(0).cookie());
        // The first owner withdrawing its scope must not delete the entry the second one owns now.
        t.declare(APP, 100, COOKIE, List.of());
        assertEquals(List.of(), t.pass(false));
        assertEquals(1, t.desiredCount());
    }

    @Test
    void driftFoundByALaterReadIsRepaired() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of());
        FlowSpec a = entry(1, 2);
        FlowSpec b = entry(2, 1);
        t.declare(APP, 100, COOKIE, List.of(a, b));
        t.pass(false);
        assertEquals(new FlowTableDiff.Assessment(2, 0), t.assess());
        // Someone deleted b and added an entry with our cookie that nobody wants.
        FlowSpec stray = entry(9, 9);
        FlowTableDiff.Assessment drift = t.read(Map.of(
                FlowKey.of(a), new FlowTableDiff.Installed(COOKIE, a.instructions()),
                FlowKey.of(stray), new FlowTableDiff.Installed(COOKIE, stray.instructions())));
        assertEquals(new FlowTableDiff.Assessment(1, 2), drift);
        Map<FlowKey, FlowOp.Kind> byKey = new HashMap<>();
        t.pass(false).forEach(o -> byKey.put(o.key(), o.kind()));
        assertEquals(Map.of(FlowKey.of(b), FlowOp.Kind.ADD, FlowKey.of(stray), FlowOp.Kind.DELETE), byKey);
        assertEquals(new FlowTableDiff.Assessment(2, 0), t.assess());
    }

    @Test
    void aRejectedEntryIsNoLongerBelievedInstalledAndTheNextReadDecides() {
        FlowTableDiff t = new FlowTableDiff();
        t.read(Map.of());
        t.declare(APP, 100, COOKIE, List.of(WANTED));
        t.pass(false);
        assertEquals(1, t.installedCount());
        assertTrue(t.failed(FlowKey.of(WANTED)).isPresent(), "the entry is still wanted");
        assertEquals(0, t.installedCount());
        assertEquals(List.of(), t.pass(false), "no retry storm: nothing is sent until the switch is read");
        t.read(Map.of());
        assertEquals(List.of(FlowOp.Kind.ADD), kinds(t.pass(false)));
    }

    @Test
    void whatTheHoldKeptBackIsSentAfterIt() {
        FlowTableDiff t = new FlowTableDiff();
        FlowSpec keep = entry(1, 2);
        FlowSpec stale = entry(8, 8);
        FlowSpec missing = entry(3, 1);
        t.declare(APP, 100, COOKIE, List.of(keep, missing));
        t.read(Map.of(FlowKey.of(keep), new FlowTableDiff.Installed(COOKIE, toPort(5)),
                FlowKey.of(stale), new FlowTableDiff.Installed(COOKIE, stale.instructions())));
        assertEquals(List.of(FlowOp.Kind.ADD), kinds(t.pass(true)), "only the missing entry while holding");
        assertTrue(t.hasChanges(), "the rest stays pending");
        assertEquals(List.of(), t.pass(true));
        t.touchAll();
        Map<FlowKey, FlowOp.Kind> byKey = new HashMap<>();
        t.pass(false).forEach(o -> byKey.put(o.key(), o.kind()));
        assertEquals(Map.of(FlowKey.of(keep), FlowOp.Kind.MODIFY, FlowKey.of(stale), FlowOp.Kind.DELETE), byKey);
        assertFalse(t.hasChanges());
    }

    @Test
    void switchesReportFieldsInTheirOwnOrderAndTheEntryIsStillRecognised() {
        FlowSpec two = FlowSpec.of(TableId.of(1), 5, toPort(2), OF.oxms().inPort(OFPort.of(1)),
                OF.oxms().ethType(org.projectfloodlight.openflow.types.EthType.IPv4));
        FlowTableDiff t = new FlowTableDiff();
        t.declare(APP, 100, COOKIE, List.of(two));
        var reported = OF.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.ETH_TYPE,
                org.projectfloodlight.openflow.types.EthType.IPv4)
                .setExact(org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT, OFPort.of(1)).build();
        t.read(Map.of(FlowKey.of(TableId.of(1), 5, reported), new FlowTableDiff.Installed(COOKIE, toPort(2))));
        assertEquals(List.of(), t.pass(false));
        assertEquals(new FlowTableDiff.Assessment(1, 0), t.assess());
    }

    @Test
    void theViewShowsEachEntrysState() {
        FlowTableDiff t = new FlowTableDiff();
        FlowSpec right = entry(1, 2);
        FlowSpec different = entry(2, 1);
        FlowSpec missing = entry(3, 1);
        FlowSpec unwanted = entry(4, 1);
        t.declare(APP, 100, COOKIE, List.of(right, different, missing));
        t.read(Map.of(FlowKey.of(right), new FlowTableDiff.Installed(COOKIE, right.instructions()),
                FlowKey.of(different), new FlowTableDiff.Installed(COOKIE, toPort(9)),
                FlowKey.of(unwanted), new FlowTableDiff.Installed(COOKIE, unwanted.instructions())));
        List<FlowTableView.State> states = new ArrayList<>();
        t.entries().forEach(e -> states.add(e.state()));
        assertEquals(4, states.size());
        assertEquals(java.util.Set.of(FlowTableView.State.values()), java.util.Set.copyOf(states));
    }

    private static List<FlowOp.Kind> kinds(List<FlowOp> ops) {
        return ops.stream().map(FlowOp::kind).toList();
    }
}
