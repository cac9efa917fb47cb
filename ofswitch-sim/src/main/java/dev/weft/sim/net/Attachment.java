package dev.weft.sim.net;

import org.projectfloodlight.openflow.types.OFPort;

/** What is plugged into a switch port. */
sealed interface Attachment {
    /** A host's interface. */
    record ToHost(SimHost host) implements Attachment {
    }

    /** One end of a link; the frame arrives on {@code peerPort} of {@code peer}. */
    record ToLink(Link link, SimSwitch peer, OFPort peerPort) implements Attachment {
    }

    /** A tunnel port towards one remote hypervisor. */
    record ToTunnel(SimSwitch remote) implements Attachment {
    }

    /** A tunnel port whose remote is chosen per packet by tunnel_ipv4_dst. */
    record ToFlowTunnel() implements Attachment {
    }
}
