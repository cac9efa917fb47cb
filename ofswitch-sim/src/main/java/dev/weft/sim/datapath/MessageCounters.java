package dev.weft.sim.datapath;

import java.util.EnumMap;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFType;

/** Counts messages received from the controller, by type and by FLOW_MOD command. */
final class MessageCounters {
    private final Map<OFType, Long> byType = new EnumMap<>(OFType.class);
    private final Map<OFFlowModCommand, Long> byFlowModCommand = new EnumMap<>(OFFlowModCommand.class);
    private final Map<org.projectfloodlight.openflow.types.U64, Long> byFlowModCookie = new java.util.HashMap<>();

    void count(OFType type) {
        byType.merge(type, 1L, Long::sum);
    }

    void countFlowMod(OFFlowModCommand command, org.projectfloodlight.openflow.types.U64 cookie) {
        byFlowModCommand.merge(command, 1L, Long::sum);
        byFlowModCookie.merge(cookie, 1L, Long::sum);
    }

    Map<org.projectfloodlight.openflow.types.U64, Long> byFlowModCookie() {
        return Map.copyOf(byFlowModCookie);
    }

    Map<OFType, Long> byType() {
        return Map.copyOf(byType);
    }

    Map<OFFlowModCommand, Long> byFlowModCommand() {
        return Map.copyOf(byFlowModCommand);
    }
}
