package dev.weft.api.host;

import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

import java.util.Collection;
import java.util.Optional;

/**
 * The hosts the controller has seen, learned from packet-ins on edge ports before any app sees
 * them. Get it with {@code ctx.service(HostService.class)}. Safe to call from any thread; a
 * lookup by MAC is a hash-map read.
 *
 * <p>Changes are announced with {@link dev.weft.api.event.HostAdded},
 * {@link dev.weft.api.event.HostMoved}, {@link dev.weft.api.event.HostRemoved} and
 * {@link dev.weft.api.event.HostFlapping}. The service already reflects a change when a
 * packet-in handler of a later app runs for the packet that caused it.
 */
public interface HostService {

    /** The host with this MAC on this VLAN ({@link VlanVid#ZERO}: untagged). */
    Optional<Host> get(MacAddress mac, VlanVid vlan);

    /** The untagged host with this MAC. */
    default Optional<Host> get(MacAddress mac) {
        return get(mac, VlanVid.ZERO);
    }

    Collection<Host> all();

    /** Hosts attached at a port. */
    Collection<Host> at(SwitchPort location);

    /** Hosts that have used this IPv4 address. */
    Collection<Host> byIp(IPv4Address ip);
}
