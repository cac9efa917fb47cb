package dev.weft.apps.dhcp;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.tenantpipeline.PuntLimiter;
import dev.weft.apps.tenantpipeline.Punts;
import dev.weft.apps.tenantpipeline.ReplyFrames;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers DHCP on the VM's own hypervisor: a request the L3 stage sent up is looked up by its
 * network (metadata) and source MAC (port security made sure it is the port's own), checked
 * against where that logical port is, and answered out of its port with the port's address and
 * the network's settings. A VM asking for another address gets a NAK; a port with no address
 * gets nothing (it is logged). Each port's requests go through a token bucket first.
 */
final class DhcpResponder {
    private static final Logger log = LoggerFactory.getLogger(DhcpResponder.class);

    private final TenantService tenants;
    private final PuntLimiter limiter;
    private final int appId;
    private final LongAdder offers = new LongAdder();
    private final LongAdder acks = new LongAdder();
    private final LongAdder naks = new LongAdder();
    private final LongAdder ignored = new LongAdder();

    DhcpResponder(TenantService tenants, PuntLimiter limiter, int appId) {
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
        Optional<String> why = answer(e);
        if (why.isPresent()) {
            ignored.increment();
            log.debug("{} port {}: DHCP request not answered: {}", e.sw().id(), e.inPort(), why.get());
        }
        return Disposition.STOP;
    }

    /** Answers, or says why not. */
    private Optional<String> answer(PacketIn e) {
        Ethernet f = e.frame();
        byte[] b = e.message().getData();
        if (f.ipv4().isEmpty() || !f.ipv4().get().is(IpProtocol.UDP)) {
            return Optional.of("not UDP");
        }
        int udp = f.payloadOffset() + (b[f.payloadOffset()] & 0x0f) * 4;
        if (udp + 8 > b.length || DhcpMessage.u16(b, udp) != 68 || DhcpMessage.u16(b, udp + 2) != 67) {
            return Optional.of("not from port 68 to port 67");
        }
        Optional<DhcpMessage> parsed = DhcpMessage.parse(b, udp + 8);
        if (parsed.isEmpty()) {
            return Optional.of("malformed");
        }
        DhcpMessage m = parsed.get();
        if (!m.chaddr().equals(f.src())) {
            return Optional.of("client address " + m.chaddr() + " is not the sender " + f.src());
        }
        int seg = Punts.segment(e);
        Optional<LogicalNetwork> net = tenants.config().network(seg);
        if (net.isEmpty() || net.get().dhcp().isEmpty()) {
            return Optional.of("no DHCP on segment " + seg);
        }
        LogicalPort port = net.get().ports().stream().filter(p -> p.mac().equals(f.src())).findFirst().orElse(null);
        if (port == null) {
            return Optional.of("no port with MAC " + f.src() + " in " + net.get().qualifiedName());
        }
        if (!tenants.location(port.name()).equals(Optional.of(new PortLocation(e.sw().id(), e.inPort())))) {
            return Optional.of("port " + port.name() + " is not located at " + e.inPort());
        }
        if (port.ips().isEmpty()) {
            log.warn("{} port {}: logical port {} asks DHCP for an address but has none (give it ips, or the network "
                    + "a dhcp range)", e.sw().id(), e.inPort(), port.name());
            return Optional.of("port " + port.name() + " has no address");
        }
        DhcpSettings d = net.get().dhcp().get();
        IPv4Address address = port.ips().get(0);
        int type;
        switch (m.type()) {
            case DhcpMessage.DISCOVER -> type = DhcpMessage.OFFER;
            case DhcpMessage.REQUEST -> {
                if (m.serverId().isPresent() && !m.serverId().get().equals(d.server())) {
                    return Optional.of("the client chose server " + m.serverId().get());
                }
                IPv4Address wanted = m.requested().orElse(m.ciaddr());
                type = wanted.equals(address) ? DhcpMessage.ACK : DhcpMessage.NAK;
            }
            case DhcpMessage.INFORM -> type = DhcpMessage.ACK;
            default -> {
                return Optional.of("message type " + m.type() + " needs no answer");
            }
        }
        IPv4AddressWithMask subnet = net.get().subnet().orElseThrow();
        DhcpMessage.Lease lease = new DhcpMessage.Lease(address, subnet.getMask(),
                subnet.getValue().or(subnet.getMask().not()), d.server(), d.gateway(), d.dns(), d.lease().toSeconds(),
                d.mtu(), d.domain());
        IPv4Address to = type == DhcpMessage.NAK || (m.flags() & DhcpMessage.BROADCAST_FLAG) != 0
                ? IPv4Address.NO_MASK : !m.ciaddr().equals(IPv4Address.NONE) ? m.ciaddr() : address;
        Punts.send(e.sw(), e.inPort(), ReplyFrames.udp(f.src(), d.serverMac(), d.server(), to, 67, 68,
                m.reply(type, lease)));
        (type == DhcpMessage.OFFER ? offers : type == DhcpMessage.ACK ? acks : naks).increment();
        log.debug("{} port {}: DHCP {} {} to {} ({})", e.sw().id(), e.inPort(), type == DhcpMessage.OFFER ? "offer"
                : type == DhcpMessage.ACK ? "ack" : "nak", address, port.name(), net.get().qualifiedName());
        return Optional.empty();
    }

    long offers() {
        return offers.sum();
    }

    long acks() {
        return acks.sum();
    }

    long naks() {
        return naks.sum();
    }
}
