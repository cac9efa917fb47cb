package dev.weft.apps.forwarding;

import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.VlanVid;

import java.util.ArrayList;
import java.util.List;

/**
 * The entries installed for traffic from {@code src} to {@code dst} entering the network at
 * {@code ingress}: one per switch on the path, each matching the port the traffic comes in on.
 */
record Route(Key key, List<Hop> hops) {

    /** Which traffic: source and destination MAC, VLAN, and where it enters (first hop's in-port). */
    record Key(MacAddress src, MacAddress dst, VlanVid vlan, SwitchPort ingress) {
    }

    /** One switch's entry: traffic coming in at {@code in} leaves through {@code out}. */
    record Hop(SwitchPort in, OFPort out) {
        SwitchPort outPort() {
            return new SwitchPort(in.dpid(), out);
        }
    }

    Route {
        hops = List.copyOf(hops);
    }

    /** The hops along {@code path} (links from the ingress switch to the destination's switch). */
    static Route along(Key key, List<Link> path, SwitchPort destination) {
        List<Hop> hops = new ArrayList<>(path.size() + 1);
        SwitchPort in = key.ingress();
        for (Link l : path) {
            hops.add(new Hop(in, l.src().port()));
            in = l.dst();
        }
        hops.add(new Hop(in, destination.port()));
        return new Route(key, hops);
    }

    /** Whether the route sends traffic over {@code link} (in that direction). */
    boolean crosses(Link link) {
        for (int i = 0; i + 1 < hops.size(); i++) {
            Hop h = hops.get(i);
            if (h.in().dpid().equals(link.src().dpid()) && h.out().equals(link.src().port())
                    && hops.get(i + 1).in().equals(link.dst())) {
                return true;
            }
        }
        return false;
    }

    SwitchPort egress() {
        return hops.get(hops.size() - 1).outPort();
    }

    boolean involves(MacAddress mac, VlanVid vlan) {
        return key.vlan().equals(vlan) && (key.src().equals(mac) || key.dst().equals(mac));
    }
}
