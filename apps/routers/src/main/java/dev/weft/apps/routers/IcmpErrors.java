package dev.weft.apps.routers;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.packet.Ipv4;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.tenantpipeline.PuntLimiter;
import dev.weft.apps.tenantpipeline.Punts;
import dev.weft.apps.tenantpipeline.ReplyFrames;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's ICMP errors, which OpenFlow cannot build in a flow: a packet whose TTL ran out
 * while being routed (the switch sends it with reason invalid TTL) gets time exceeded; one the L3
 * stage sent up because no route or no port has its destination gets destination unreachable
 * (host unreachable inside one of the router's subnets, else net unreachable). Answered from the
 * router's address on the sender's network, out of the port the packet came in by, on the
 * sender's own hypervisor; each port's packets go through a token bucket first. No error about an
 * ICMP error, a packet from 0.0.0.0 or a broadcast (RFC 1122 3.2.2).
 */
final class IcmpErrors {
    private static final Logger log = LoggerFactory.getLogger(IcmpErrors.class);
    static final int DEST_UNREACHABLE = 3;
    static final int TIME_EXCEEDED = 11;
    static final int NET_UNREACHABLE = 0;
    static final int HOST_UNREACHABLE = 1;

    private final TenantService tenants;
    private final PuntLimiter limiter;
    private final int appId;
    private final LongAdder sent = new LongAdder();
    private final LongAdder ignored = new LongAdder();

    IcmpErrors(TenantService tenants, PuntLimiter limiter, int appId) {
        this.tenants = tenants;
        this.limiter = limiter;
        this.appId = appId;
    }

    Disposition handle(PacketIn e) {
        if (!Punts.sentBy(e, appId)) {
            return Disposition.CONTINUE;
        }
        if (!limiter.allow(e.sw().id(), e.inPort())) {
            return Disposition.STOP;
        }
        int seg = Punts.segment(e);
        NetworkConfig c = tenants.config();
        Optional<RouterPort> rp = c.router(seg).flatMap(r -> r.port(seg));
        Ethernet f = e.frame();
        if (rp.isEmpty() || f.ipv4().isEmpty() || !f.dst().equals(rp.get().mac()) || Ethernet.isGroup(f.src())) {
            ignored.increment();
            return Disposition.STOP;
        }
        Ipv4 ip = f.ipv4().get();
        byte[] bytes = e.message().getData();
        if (ip.src().equals(IPv4Address.NONE) || ip.src().isBroadcast() || isIcmpError(ip, bytes, f.payloadOffset())) {
            ignored.increment();
            return Disposition.STOP;
        }
        int type;
        int code;
        if (e.message().getReason() == OFPacketInReason.INVALID_TTL) {
            type = TIME_EXCEEDED;
            code = 0;
        } else {
            type = DEST_UNREACHABLE;
            code = inSubnets(c.router(seg).get(), ip.dst()) ? HOST_UNREACHABLE : NET_UNREACHABLE;
        }
        byte[] reply = ReplyFrames.icmpError(f.src(), rp.get().mac(), rp.get().ip(), ip.src(), type, code, bytes,
                f.payloadOffset());
        Punts.send(e.sw(), e.inPort(), reply);
        sent.increment();
        log.debug("{} port {}: ICMP {}/{} to {} about a packet to {}", e.sw().id(), e.inPort(), type, code, ip.src(),
                ip.dst());
        return Disposition.STOP;
    }

    private static boolean inSubnets(LogicalRouter r, IPv4Address dst) {
        return r.ports().stream().anyMatch(p -> p.subnet().contains(dst));
    }

    /** ICMP types that are errors (destination unreachable, source quench, redirect, time exceeded, parameter problem). */
    private static boolean isIcmpError(Ipv4 ip, byte[] b, int off) {
        if (!ip.is(IpProtocol.ICMP)) {
            return false;
        }
        int l4 = off + (b[off] & 0x0f) * 4;
        if (l4 >= b.length) {
            return true; // cannot tell: say nothing
        }
        int type = b[l4] & 0xff;
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    long sent() {
        return sent.sum();
    }

    long ignored() {
        return ignored.sum();
    }
}
