package dev.weft.api.flow;

import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.OFOxmList;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.TableId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A flow entry an app wants in a switch (OpenFlow 1.3): its identity in the switch is the table,
 * the priority and the match; the instructions are what it does. The cookie is set by the
 * {@link FlowService}: it names the owning app and the scope.
 *
 * <p>The match is kept as its OXM fields sorted by field, a compact and canonical form: two
 * specs with the same fields are equal whatever order they were given in, and so is the match a
 * switch reports back (switches sort fields their own way). Build it from a Loxi {@link Match},
 * or from fields with {@link #of(TableId, int, List, OFOxm[])} (cheaper).
 */
public record FlowSpec(TableId table, int priority, List<OFOxm<?>> fields, List<OFInstruction> instructions) {
    /** The canonical order of match fields (by field). */
    public static final Comparator<OFOxm<?>> FIELD_ORDER = Comparator.comparingInt(o -> o.getMatchField().id.ordinal());
    private static final Comparator<OFOxm<?>> BY_FIELD = FIELD_ORDER;

    public FlowSpec {
        Objects.requireNonNull(table, "table");
        if (priority < 0 || priority > 0xffff) {
            throw new IllegalArgumentException("priority must be 0..65535, was " + priority);
        }
        fields = canonical(fields);
        instructions = List.copyOf(instructions);
    }

    public FlowSpec(TableId table, int priority, Match match, List<OFInstruction> instructions) {
        this(table, priority, fieldsOf(match), instructions);
    }

    /** A spec from match fields (OXMs, e.g. {@code OF.oxms().inPort(p)}); cheaper than building a Match. */
    public static FlowSpec of(TableId table, int priority, List<OFInstruction> instructions, OFOxm<?>... fields) {
        return new FlowSpec(table, priority, Arrays.asList(fields), instructions);
    }

    /** The match as Loxi builds it (for sending); built on each call. */
    public Match match() {
        OFVersion v = fields.isEmpty() ? OFVersion.OF_13 : fields.get(0).getVersion();
        return OFFactories.getFactory(v).matchV3(OFOxmList.ofList(fields));
    }

    /** The match fields of a Loxi match, in canonical order. */
    public static List<OFOxm<?>> fieldsOf(Match match) {
        if (match instanceof OFMatchV3 m3) {
            List<OFOxm<?>> l = new ArrayList<>();
            m3.getOxmList().forEach(l::add);
            return canonical(l);
        }
        throw new IllegalArgumentException("flow specs need OpenFlow 1.2+ (OXM) matches, got " + match.getVersion());
    }

    private static List<OFOxm<?>> canonical(List<OFOxm<?>> in) {
        // Most callers give the fields in order already: then the list is kept as it is when it
        // is immutable (List.copyOf copies nothing), copied once otherwise.
        if (ordered(in)) {
            return List.copyOf(in);
        }
        OFOxm<?>[] a = in.toArray(new OFOxm<?>[0]);
        Arrays.sort(a, BY_FIELD);
        for (int j = 1; j < a.length; j++) {
            if (a[j - 1].getMatchField() == a[j].getMatchField()) {
                throw new IllegalArgumentException("field " + a[j].getMatchField().getName() + " given twice");
            }
        }
        return List.of(a);
    }

    /** True when the fields are strictly in canonical order (so no field is given twice). */
    private static boolean ordered(List<OFOxm<?>> in) {
        int n = in.size();
        for (int i = 1; i < n; i++) {
            if (BY_FIELD.compare(in.get(i - 1), in.get(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The value of one match field, or null. */
    @SuppressWarnings("unchecked")
    public <T extends org.projectfloodlight.openflow.types.OFValueType<T>> OFOxm<T> field(MatchField<T> f) {
        for (OFOxm<?> o : fields) {
            if (o.getMatchField() == f) {
                return (OFOxm<T>) o;
            }
        }
        return null;
    }

    /** What identifies the entry in a switch (OpenFlow's "strict" identity). */
    public Key key() {
        return new Key(table, priority, fields);
    }

    public record Key(TableId table, int priority, List<OFOxm<?>> fields) {
    }
}
