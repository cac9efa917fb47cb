package dev.weft.api.host;

import com.google.common.collect.ImmutableSortedSet;
import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A host (an end station: server, VM) as the controller has seen it: its MAC address on a VLAN,
 * where it is attached, the IPv4 addresses it has used (from ARP and IPv4 sources), and when it
 * was first and last seen.
 *
 * @param vlan     {@link VlanVid#ZERO} for untagged frames
 * @param location an edge port (hosts are never learned on ports between switches)
 * @param lastSeen to within a second (the tracker does not write the time on every packet)
 */
public record Host(MacAddress mac, VlanVid vlan, SwitchPort location, Set<IPv4Address> ips, Instant firstSeen,
                   Instant lastSeen) {
    public Host {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(vlan, "vlan");
        Objects.requireNonNull(location, "location");
        ips = ImmutableSortedSet.copyOf(ips);
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    /** The same host attached somewhere else. */
    public Host withLocation(SwitchPort l) {
        return new Host(mac, vlan, l, ips, firstSeen, lastSeen);
    }

    public Host withLastSeen(Instant t) {
        return new Host(mac, vlan, location, ips, firstSeen, t);
    }

    @Override
    public String toString() {
        return mac + (vlan.equals(VlanVid.ZERO) ? "" : " vlan " + vlan.getVlan()) + " at " + location
                + (ips.isEmpty() ? "" : " " + ips);
    }
}
