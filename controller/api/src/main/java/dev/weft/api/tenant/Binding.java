package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Objects;

/** How a logical port is recognised on a switch. */
public sealed interface Binding {

    /**
     * By the switch port's name (the OVS interface name of a VM's vNIC, e.g. {@code vm-web1}).
     * The name follows the VM from hypervisor to hypervisor.
     */
    record Interface(String name) implements Binding {
        public Interface {
            Objects.requireNonNull(name, "name");
        }
    }

    /** By source MAC: the port is wherever its MAC address shows up (only where it is unique). */
    record ByMac() implements Binding {
    }

    /** Statically at one switch port (a physical server). */
    record Static(DatapathId dpid, OFPort port) implements Binding {
        public Static {
            Objects.requireNonNull(dpid, "dpid");
            Objects.requireNonNull(port, "port");
        }
    }
}
