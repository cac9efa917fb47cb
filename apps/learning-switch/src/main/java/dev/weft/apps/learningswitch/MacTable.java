package dev.weft.apps.learningswitch;

import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One switch's learned MAC → port table, bounded (least recently seen entries go first). Used
 * only on the switch's dispatch thread, so it needs no locks.
 */
final class MacTable {
    private final LinkedHashMap<MacAddress, OFPort> macs;
    /** Output action lists are immutable and the same for every flow to a port: build them once. */
    private final Map<OFPort, List<OFAction>> outputs = new HashMap<>();

    MacTable(int max) {
        this.macs = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MacAddress, OFPort> eldest) {
                return size() > max;
            }
        };
    }

    /** Learn where {@code mac} is; returns the port it was on before, if different. */
    OFPort learn(MacAddress mac, OFPort port) {
        OFPort old = macs.put(mac, port);
        return old == null || old.equals(port) ? null : old;
    }

    OFPort lookup(MacAddress mac) {
        return macs.get(mac);
    }

    /** Forget every MAC learned on {@code port}; returns how many. */
    int forgetPort(OFPort port) {
        int before = macs.size();
        macs.values().removeIf(port::equals);
        return before - macs.size();
    }

    int size() {
        return macs.size();
    }

    List<OFAction> outputTo(OFPort port, java.util.function.Function<OFPort, List<OFAction>> build) {
        return outputs.computeIfAbsent(port, build);
    }
}
