package dev.weft.sim.datapath;

import java.util.Objects;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * What a simulated switch is and can do.
 *
 * @param dpid               datapath id
 * @param tables             number of flow tables offered in 1.1+ (1.0 always uses one)
 * @param buffers            packet buffers for packet-ins (0: always send whole packets)
 * @param maxFlowsPerTable   entries per table before FLOW_MOD_FAILED/TABLE_FULL
 * @param portDescPartSize   ports per PORT_DESC reply part (further parts carry REPLY_MORE)
 * @param strictOutputPorts  reject output to a port that does not exist (BAD_OUT_PORT) as a
 *                           hardware switch does; false behaves like Open vSwitch (accepted,
 *                           frames dropped)
 * @param description        hardware/software description in DESC stats
 */
public record DatapathConfig(DatapathId dpid, int tables, int buffers, int maxFlowsPerTable, int portDescPartSize,
                             boolean strictOutputPorts, String description) {
    public DatapathConfig {
        Objects.requireNonNull(dpid, "dpid");
        if (tables < 1 || tables > 254) {
            throw new IllegalArgumentException("tables must be 1..254, got " + tables);
        }
        if (buffers < 0 || maxFlowsPerTable < 1 || portDescPartSize < 1) {
            throw new IllegalArgumentException("buffers >= 0, maxFlowsPerTable >= 1 and portDescPartSize >= 1");
        }
    }

    /** Defaults: 8 tables, 256 buffers, 100000 flows per table, 256 ports per PORT_DESC part, strict ports. */
    public static DatapathConfig of(DatapathId dpid) {
        return new DatapathConfig(dpid, 8, 256, 100_000, 256, true, "weft ofswitch-sim");
    }

    public DatapathConfig withTables(int n) {
        return new DatapathConfig(dpid, n, buffers, maxFlowsPerTable, portDescPartSize, strictOutputPorts, description);
    }

    public DatapathConfig withBuffers(int n) {
        return new DatapathConfig(dpid, tables, n, maxFlowsPerTable, portDescPartSize, strictOutputPorts, description);
    }

    public DatapathConfig withMaxFlowsPerTable(int n) {
        return new DatapathConfig(dpid, tables, buffers, n, portDescPartSize, strictOutputPorts, description);
    }

    public DatapathConfig withPortDescPartSize(int n) {
        return new DatapathConfig(dpid, tables, buffers, maxFlowsPerTable, n, strictOutputPorts, description);
    }

    public DatapathConfig withStrictOutputPorts(boolean strict) {
        return new DatapathConfig(dpid, tables, buffers, maxFlowsPerTable, portDescPartSize, strict, description);
    }
}
