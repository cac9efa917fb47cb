package dev.weft.apps.fabric;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A fabric edge port where a logical network continues outside the fabric, tagged with a VLAN:
 * the cable to a gateway node that joins the VXLAN hypervisors (a mixed site), or a legacy VLAN.
 * Frames of the segment to MACs the fabric does not know go there; tagged frames from it enter
 * the segment. From {@code apps: fabric: vlan-ports}.
 */
public record VlanPort(int segment, DatapathId dpid, OFPort port, int vlan) {
    public VlanPort {
        if (vlan < 1 || vlan > 4094) {
            throw new IllegalArgumentException("vlan must be 1..4094, was " + vlan);
        }
    }
}
