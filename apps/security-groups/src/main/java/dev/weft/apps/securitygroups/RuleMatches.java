package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.SecurityRule;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.TransportPort;

import java.util.ArrayList;
import java.util.List;

import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;

/**
 * The match fields of one rule, as seen from the port it protects: for an ingress rule the remote
 * is the source, for an egress rule the destination; the port range is always the destination
 * port. One rule becomes (remote addresses) x (port-range blocks) matches; a remote group is the
 * addresses of its members now.
 */
final class RuleMatches {
    private RuleMatches() {
    }

    /** Each element: the fields one entry adds to its port's match (empty list: matches any IPv4). */
    static List<List<OFOxm<?>>> of(SecurityRule r, String tenant, NetworkConfig config) {
        OFOxms x = OF.oxms();
        boolean ingress = r.direction() == SecurityRule.Direction.INGRESS;
        List<OFOxm<?>> remotes = new ArrayList<>();
        boolean anyRemote = false;
        if (r.remoteGroup().isPresent()) {
            for (LogicalPort m : config.members(tenant, r.remoteGroup().get())) {
                for (IPv4Address ip : m.ips()) {
                    remotes.add(ingress ? x.ipv4Src(ip) : x.ipv4Dst(ip));
                }
            }
        } else if (r.remoteCidr().isPresent() && r.remoteCidr().get().getMask().getInt() != 0) {
            IPv4AddressWithMask c = r.remoteCidr().get();
            boolean host = c.getMask().equals(IPv4Address.NO_MASK);
            remotes.add(ingress ? (host ? x.ipv4Src(c.getValue()) : x.ipv4SrcMasked(c.getValue(), c.getMask()))
                    : (host ? x.ipv4Dst(c.getValue()) : x.ipv4DstMasked(c.getValue(), c.getMask())));
        } else {
            anyRemote = true;
        }
        List<List<OFOxm<?>>> protos = new ArrayList<>();
        switch (r.protocol()) {
            case ANY -> protos.add(List.of());
            case ICMP -> protos.add(r.icmpType() < 0 ? List.of(x.ipProto(IpProtocol.ICMP))
                    : List.of(x.ipProto(IpProtocol.ICMP), x.icmpv4Type(ICMPv4Type.of((short) r.icmpType()))));
            case TCP, UDP -> {
                boolean tcp = r.protocol() == SecurityRule.Protocol.TCP;
                OFOxm<?> proto = x.ipProto(tcp ? IpProtocol.TCP : IpProtocol.UDP);
                if (!r.hasPorts()) {
                    protos.add(List.of(proto));
                } else {
                    for (PortRanges.Masked m : PortRanges.of(r.portMin(), r.portMax())) {
                        TransportPort v = TransportPort.of(m.value());
                        OFOxm<?> port = m.mask() == 0xffff ? (tcp ? x.tcpDst(v) : x.udpDst(v))
                                : (tcp ? x.tcpDstMasked(v, TransportPort.of(m.mask()))
                                : x.udpDstMasked(v, TransportPort.of(m.mask())));
                        protos.add(List.of(proto, port));
                    }
                }
            }
            default -> throw new IllegalArgumentException(r.protocol().toString());
        }
        List<List<OFOxm<?>>> out = new ArrayList<>();
        if (anyRemote) {
            return protos;
        }
        for (OFOxm<?> remote : remotes) {
            for (List<OFOxm<?>> p : protos) {
                List<OFOxm<?>> l = new ArrayList<>(p.size() + 1);
                l.add(remote);
                l.addAll(p);
                out.add(l);
            }
        }
        return out;
    }
}
