package dev.weft.apps.fabric;

import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * How a fabric switch is programmed, chosen from what it said at connect (its OpenFlow version
 * and table count) or forced in the config ({@code apps: fabric: single-table}).
 */
public enum Target {
    /** OpenFlow 1.3+, two tables: classify (table 0) then forward by (segment, MAC) (table 1). */
    MULTI_TABLE,
    /** Every stage in table 0, the pipeline encoded in priorities; OpenFlow 1.3 entries. */
    SINGLE_TABLE,
    /** As {@link #SINGLE_TABLE}, encoded for OpenFlow 1.0 (set_vlan_vid, strip_vlan). */
    SINGLE_TABLE_OF10;

    /** The target for a switch of this version with this many tables. */
    public static Target of(OFVersion version, int tables, boolean forceSingle) {
        if (version.compareTo(OFVersion.OF_13) < 0) {
            return SINGLE_TABLE_OF10;
        }
        return forceSingle || tables < 2 ? SINGLE_TABLE : MULTI_TABLE;
    }

    public boolean singleTable() {
        return this != MULTI_TABLE;
    }
}
