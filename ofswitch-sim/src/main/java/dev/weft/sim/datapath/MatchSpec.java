package dev.weft.sim.datapath;

import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.FieldSource;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * A match in canonical form: for each constrained field a value and a mask (value already ANDed
 * with the mask). Answers the three questions a flow table asks: does a packet match, is one
 * match covered by another (non-strict MODIFY/DELETE), and can two matches overlap.
 */
public final class MatchSpec {
    public static final MatchSpec ALL = new MatchSpec(new EnumMap<>(Field.class));

    private final Field[] fields;
    private final long[] values;
    private final long[] masks;

    MatchSpec(Map<Field, long[]> valueAndMask) {
        int n = valueAndMask.size();
        fields = new Field[n];
        values = new long[n];
        masks = new long[n];
        int i = 0;
        for (Field f : Field.values()) {
            long[] vm = valueAndMask.get(f);
            if (vm != null) {
                fields[i] = f;
                masks[i] = vm[1] & f.fullMask();
                values[i] = vm[0] & masks[i];
                i++;
            }
        }
    }

    /** True when this match constrains nothing (the table-miss match). */
    public boolean isEmpty() {
        return fields.length == 0;
    }

    public boolean matches(FieldSource packet) {
        for (int i = 0; i < fields.length; i++) {
            if (!packet.has(fields[i]) || (packet.get(fields[i]) & masks[i]) != values[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when every packet matching this also matches {@code filter}: the OpenFlow non-strict
     * selection of MODIFY, DELETE and flow stats (the filter is equally or less specific).
     */
    public boolean isCoveredBy(MatchSpec filter) {
        for (int j = 0; j < filter.fields.length; j++) {
            int i = indexOf(filter.fields[j]);
            if (i < 0) {
                return false;
            }
            long fm = filter.masks[j];
            if ((masks[i] & fm) != fm || (values[i] & fm) != filter.values[j]) {
                return false;
            }
        }
        return true;
    }

    /** True when some packet could match both (used by OFPFF_CHECK_OVERLAP). */
    public boolean overlaps(MatchSpec other) {
        for (int i = 0; i < fields.length; i++) {
            int j = other.indexOf(fields[i]);
            if (j >= 0) {
                long common = masks[i] & other.masks[j];
                if ((values[i] & common) != (other.values[j] & common)) {
                    return false;
                }
            }
        }
        return true;
    }

    private int indexOf(Field f) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] == f) {
                return i;
            }
        }
        return -1;
    }

    public boolean has(Field f) {
        return indexOf(f) >= 0;
    }

    /** The exact value of a field when fully masked, else null. */
    public Long exactValue(Field f) {
        int i = indexOf(f);
        return i >= 0 && masks[i] == f.fullMask() ? values[i] : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatchSpec m && Arrays.equals(fields, m.fields) && Arrays.equals(values, m.values)
                && Arrays.equals(masks, m.masks);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(fields) + Arrays.hashCode(values) * 7 + Arrays.hashCode(masks);
    }

    @Override
    public String toString() {
        if (fields.length == 0) {
            return "*";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(fields[i].name().toLowerCase()).append('=').append(Long.toHexString(values[i]));
            if (masks[i] != fields[i].fullMask()) {
                sb.append('/').append(Long.toHexString(masks[i]));
            }
        }
        return sb.toString();
    }
}
