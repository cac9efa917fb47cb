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

    /**
     * By the {@code external_ids:iface-id} of the VM's interface, equal to the logical port's name
     * (the convention of libvirt, OpenStack and OVN): the hypervisor's OVSDB reports it, so only
     * transport nodes whose OVSDB Weft reaches can locate such a port. The interface's name does
     * not matter.
     */
    record IfaceId() implements Binding {
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
