package dev.weft.sim.inprocess;

import dev.weft.sim.datapath.TableVisit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What one switch did with one frame: the copies it sent out (with the tunnel id set on each),
 * the packet-ins it sent, and the tables the frame (and its copies) went through.
 */
public record Outcome(List<Output> outputs, List<OFPacketIn> packetIns, List<TableVisit> visits) {
    public Outcome {
        outputs = List.copyOf(outputs);
        packetIns = List.copyOf(packetIns);
        visits = List.copyOf(visits);
    }

    /**
     * A copy sent out of {@code port}, as it left.
     *
     * @param tunnelId  the tunnel id set by the pipeline (0: none)
     * @param tunnelDst the tunnel destination set by the pipeline, an IPv4 address as an unsigned int (0: none)
     */
    public record Output(OFPort port, byte[] frame, long tunnelId, long tunnelDst) {
        @Override
        public String toString() {
            return "port " + port.getPortNumber() + (tunnelId == 0 ? "" : " tunnel id " + tunnelId);
        }
    }

    /** The ports copies went out of, in order, each once. */
    public Set<OFPort> ports() {
        return outputs.stream().map(Output::port).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Faucet's {@code is_output}: at least one copy left through {@code port}. */
    public boolean isOutput(OFPort port) {
        return outputs.stream().anyMatch(o -> o.port().equals(port));
    }

    public List<Output> outputsTo(OFPort port) {
        return outputs.stream().filter(o -> o.port().equals(port)).toList();
    }

    /** Nothing came out: no copy, no packet-in. */
    public boolean dropped() {
        return outputs.isEmpty() && packetIns.isEmpty();
    }

    @Override
    public String toString() {
        return (dropped() ? "dropped" : "out " + outputs + (packetIns.isEmpty() ? "" : ", " + packetIns.size()
                + " packet-in(s)")) + " via " + visits;
    }
}
