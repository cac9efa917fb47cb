package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One switch's flow-service entries as the controller sees them: what apps want (by app and
 * scope), what the switch is believed to have, and which entries changed since the last pass. A
 * pure value: no I/O, no threads, no clock; {@link Reconciler} owns one per switch on the control
 * lane and {@link FlowProgrammer} turns its operations into messages.
 *
 * <p>The rules, each with a spec in {@code FlowTableDiffTest}:
 * <ul>
 * <li><b>delta</b>: a pass yields only what differs: ADD for a wanted entry that is missing or
 *     carries another cookie, MODIFY for one whose instructions differ, DELETE for an installed
 *     entry nobody wants. The installed view is updated as if the operations succeed.</li>
 * <li><b>adopt</b>: after {@link #read} an entry already right (same cookie, same instructions)
 *     yields nothing: a restarted controller does not disturb traffic.</li>
 * <li><b>hold</b>: while the view is partial (the startup hold), only missing entries are added;
 *     modifications and deletions wait, and stay pending for the pass after the hold.</li>
 * <li><b>drift</b>: a read that differs from the belief yields the repairs.</li>
 * <li><b>errors</b>: a rejected entry is no longer believed installed; the next read decides.</li>
 * </ul>
 */
public final class FlowTableDiff {

    /** An entry an app wants. */
    public record Desired(FlowSpec spec, U64 cookie, int appId, int scope) {
    }

    /** An entry a switch has (of a managed app). */
    public record Installed(U64 cookie, List<OFInstruction> instructions) {
        boolean satisfies(Desired d) {
            return cookie.equals(d.cookie()) && Instructions.same(instructions, d.spec().instructions());
        }
    }

    /** Two apps (or two scopes of one) want the same entry; the later declaration won. */
    public record Conflict(FlowKey key, Desired before, Desired now) {
    }

    /** How a read compares with what is wanted: entries already right, and entries that differ. */
    public record Assessment(int right, int wrong) {
    }

    private record ScopeKey(int appId, int scope) {
    }

    private final Map<ScopeKey, Map<FlowKey, FlowSpec>> scopes = new HashMap<>();
    private final Map<FlowKey, Desired> desired = new HashMap<>();
    private final Map<FlowKey, Installed> installed = new HashMap<>();
    private final Set<FlowKey> dirty = new HashSet<>();

    /**
     * Replace what {@code appId} wants in {@code scope} (an empty list forgets the scope).
     * Returns the entries another app or scope wanted before (the newer declaration wins).
     */
    public List<Conflict> declare(int appId, int scope, U64 cookie, List<FlowSpec> flows) {
        ScopeKey sk = new ScopeKey(appId, scope);
        Map<FlowKey, FlowSpec> next = new HashMap<>();
        for (FlowSpec f : flows) {
            next.put(FlowKey.of(f), f);
        }
        Map<FlowKey, FlowSpec> prev = next.isEmpty() ? scopes.remove(sk) : scopes.put(sk, next);
        if (prev != null) {
            for (FlowKey k : prev.keySet()) {
                Desired d = desired.get(k);
                if (!next.containsKey(k) && d != null && d.appId() == appId && d.scope() == scope) {
                    desired.remove(k);
                    dirty.add(k);
                }
            }
        }
        List<Conflict> conflicts = List.of();
        for (var e : next.entrySet()) {
            Desired d = new Desired(e.getValue(), cookie, appId, scope);
            Desired old = desired.put(e.getKey(), d);
            if (old != null && (old.appId() != appId || old.scope() != scope)) {
                if (conflicts.isEmpty()) {
                    conflicts = new ArrayList<>();
                }
                conflicts.add(new Conflict(e.getKey(), old, d));
            }
            if (!d.equals(old)) {
                dirty.add(e.getKey());
            }
        }
        return conflicts;
    }

    /** The scopes {@code appId} has declared here. */
    public Set<Integer> scopesOf(int appId) {
        Set<Integer> out = new HashSet<>();
        for (ScopeKey k : scopes.keySet()) {
            if (k.appId() == appId) {
                out.add(k.scope());
            }
        }
        return out;
    }

    /** Whether any entry changed since the last pass. */
    public boolean hasChanges() {
        return !dirty.isEmpty();
    }

    /** Whether every changed entry is one that is no longer wanted (the next pass only deletes). */
    public boolean onlyDeletes() {
        for (FlowKey k : dirty) {
            if (desired.containsKey(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any app wants anything here (if not, the switch's state can be forgotten). */
    public boolean wantsAnything() {
        return !scopes.isEmpty() || !desired.isEmpty();
    }

    public int desiredCount() {
        return desired.size();
    }

    public int installedCount() {
        return installed.size();
    }

    /**
     * The operations that bring the switch to what is wanted, for the changed entries; the
     * installed view is updated as if they succeed. While {@code holding}, only missing entries
     * are added, and the rest stays pending.
     */
    public List<FlowOp> pass(boolean holding) {
        List<FlowOp> out = new ArrayList<>();
        List<FlowKey> handled = holding ? new ArrayList<>() : null;
        for (FlowKey k : dirty) {
            Desired want = desired.get(k);
            Installed have = installed.get(k);
            if (holding) {
                if (want == null || have != null) {
                    continue; // only add what is missing until the view is complete
                }
                handled.add(k);
            }
            if (want != null) {
                if (have == null || !have.cookie().equals(want.cookie())) {
                    out.add(FlowOp.add(k, want.spec(), want.cookie()));
                } else if (!Instructions.same(have.instructions(), want.spec().instructions())) {
                    out.add(FlowOp.modify(k, want.spec(), want.cookie()));
                } else {
                    continue;
                }
                installed.put(k, new Installed(want.cookie(), want.spec().instructions()));
            } else if (have != null) {
                out.add(FlowOp.delete(k, have.cookie()));
                installed.remove(k);
            }
        }
        if (holding) {
            handled.forEach(dirty::remove);
        } else {
            dirty.clear();
        }
        return out;
    }

    /**
     * What the switch reported (its entries of managed apps) replaces the belief; every entry
     * wanted or found is looked at by the next pass. Returns how the report compares with what
     * is wanted.
     */
    public Assessment read(Map<FlowKey, Installed> actual) {
        installed.clear();
        installed.putAll(actual);
        dirty.addAll(desired.keySet());
        dirty.addAll(actual.keySet());
        return assess();
    }

    /** Compare what is believed installed with what is wanted, without changing anything. */
    public Assessment assess() {
        int right = 0;
        int wrong = 0;
        for (var e : desired.entrySet()) {
            Installed i = installed.get(e.getKey());
            if (i != null && i.satisfies(e.getValue())) {
                right++;
            } else {
                wrong++;
            }
        }
        for (FlowKey k : installed.keySet()) {
            if (!desired.containsKey(k)) {
                wrong++;
            }
        }
        return new Assessment(right, wrong);
    }

    /** Look at every entry again on the next pass (after the startup hold). */
    public void touchAll() {
        dirty.addAll(desired.keySet());
        dirty.addAll(installed.keySet());
    }

    /** The switch rejected an operation on {@code key}: what is there is unknown until the next read. */
    public Optional<Desired> failed(FlowKey key) {
        installed.remove(key);
        return Optional.ofNullable(desired.get(key));
    }

    /** What {@code appId} wants here, by scope. */
    public Map<Integer, List<FlowSpec>> declared(int appId) {
        Map<Integer, List<FlowSpec>> out = new HashMap<>();
        scopes.forEach((k, v) -> {
            if (k.appId() == appId) {
                out.put(k.scope(), List.copyOf(v.values()));
            }
        });
        return out;
    }

    /** Every entry wanted or installed, sorted by table, then priority (high first). */
    public List<FlowTableView.Entry> entries() {
        Set<FlowKey> keys = new HashSet<>(desired.keySet());
        keys.addAll(installed.keySet());
        List<FlowTableView.Entry> out = new ArrayList<>(keys.size());
        for (FlowKey k : keys) {
            Optional<Desired> d = Optional.ofNullable(desired.get(k));
            Optional<Installed> i = Optional.ofNullable(installed.get(k));
            out.add(new FlowTableView.Entry(k.table(), k.priority(), k.match(),
                    d.map(x -> new FlowTableView.Desired(x.appId(), x.scope(), x.cookie(), x.spec().instructions())),
                    i.map(x -> new FlowTableView.Installed(x.cookie(), x.instructions()))));
        }
        out.sort(Comparator.comparingInt((FlowTableView.Entry e) -> e.table().getValue())
                .thenComparing(e -> -e.priority()).thenComparing(e -> e.match().toString()));
        return out;
    }
}
