package dev.weft.ovsext;

import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.U32;

import java.util.Locale;

/**
 * Matches on Open vSwitch's {@code ct_state} (NXM_NX_CT_STATE, which Loxi has as
 * {@code conn_tracking_state}), written as {@code ovs-ofctl} writes them:
 * {@code CtState.match("+trk+est-rel")} is value 0x22, mask 0x26. Bits, as Open vSwitch defines
 * them: new 0x01, est 0x02, rel 0x04, rpl 0x08, inv 0x10, trk 0x20, snat 0x40, dnat 0x80.
 */
public final class CtState {
    public static final int NEW = 0x01;
    public static final int EST = 0x02;
    public static final int REL = 0x04;
    public static final int RPL = 0x08;
    public static final int INV = 0x10;
    public static final int TRK = 0x20;
    public static final int SNAT = 0x40;
    public static final int DNAT = 0x80;
    private static final String[] NAMES = {"new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"};

    private CtState() {
    }

    /** A masked ct_state match from flags such as {@code "+trk+new-est"} (each flag once). */
    public static OFOxm<U32> match(String flags) {
        int[] vm = parse(flags);
        return OFFactories.getFactory(OFVersion.OF_13).oxms().connTrackingStateMasked(U32.of(vm[0]), U32.of(vm[1]));
    }

    /** {value, mask} of {@code flags}. */
    static int[] parse(String flags) {
        int value = 0;
        int mask = 0;
        int i = 0;
        String s = flags.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("ct_state: no flags");
        }
        while (i < s.length()) {
            char sign = s.charAt(i);
            if (sign != '+' && sign != '-') {
                throw new IllegalArgumentException("ct_state: expected + or - at '" + s.substring(i) + "'");
            }
            int j = i + 1;
            while (j < s.length() && Character.isLetter(s.charAt(j))) {
                j++;
            }
            int bit = bit(s.substring(i + 1, j));
            if ((mask & bit) != 0) {
                throw new IllegalArgumentException("ct_state: flag " + s.substring(i + 1, j) + " given twice");
            }
            mask |= bit;
            if (sign == '+') {
                value |= bit;
            }
            i = j;
        }
        return new int[] {value, mask};
    }

    private static int bit(String name) {
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].equals(name)) {
                return 1 << k;
            }
        }
        throw new IllegalArgumentException("ct_state: unknown flag '" + name + "' (new, est, rel, rpl, inv, trk, "
                + "snat, dnat)");
    }

    /** As {@code ovs-ofctl} prints a masked ct_state: {@code +new-est+trk} (flags in bit order). */
    public static String format(int value, int mask) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < NAMES.length; k++) {
            int bit = 1 << k;
            if ((mask & bit) != 0) {
                s.append((value & bit) != 0 ? '+' : '-').append(NAMES[k]);
            }
        }
        return s.toString();
    }
}
