package dev.weft.sim.net;

import dev.weft.sim.datapath.Datapath;
import dev.weft.sim.datapath.DatapathConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What is plugged in where in a {@link SimNetwork}: lays out its switches, ports, hosts, links and
 * tunnels from a {@link Topology}, and re-cables the running network the way a test does (a port
 * added or removed, a host moved as in a VM migration, a link cut). The network's maps of switches,
 * hosts and links are shared with it; it is their only writer.
 *
 * <p>Sim-loop only; bad arguments throw {@link IllegalArgumentException} (to the caller, through
 * {@link SimLoop#call}).
 */
final class Cabling {
    private final SimNetwork net;
    private final SimNetworkBuilder cfg;
    private final Map<String, SimSwitch> switches;
    private final Map<String, SimHost> hosts;
    private final List<Link> links;
    /** Hosts by sender index - 1 (see {@link FrameOrigin}); written once, by {@link #build}. */
    private final List<SimHost> senders = new ArrayList<>();

    Cabling(SimNetwork net, SimNetworkBuilder cfg, Map<String, SimSwitch> switches, Map<String, SimHost> hosts,
            List<Link> links) {
        this.net = net;
        this.cfg = cfg;
        this.switches = switches;
        this.hosts = hosts;
        this.links = links;
    }

    /** The host that sends as {@code index} (see {@link FrameOrigin}). */
    SimHost sender(int index) {
        return senders.get(index - 1);
    }

    void build(Topology t) {
        for (Topology.SwitchSpec s : t.switches().values()) {
            Set<OFVersion> versions = s.versions().isEmpty() ? cfg.versions : s.versions();
            SimSwitch sw = new SimSwitch(s.name(), versions, s.tunnelEndpoint(), net);
            DatapathConfig dc = cfg.datapathConfig.apply(DatapathConfig.of(s.dpid()));
            sw.attachDatapath(new Datapath(dc, VersionOrder.highest(versions), cfg.ticker, sw));
            switches.put(s.name(), sw);
            for (int i = 1; i <= s.ports(); i++) {
                newPort(sw, OFPort.of(i), TopologyBuilder.portName(s.name(), OFPort.of(i)));
            }
            if (cfg.direct != null) {
                sw.useDirectController();
            }
        }
        if (t.hosts().size() > FrameOrigin.MAX_SENDERS) {
            throw new IllegalArgumentException("at most " + FrameOrigin.MAX_SENDERS + " hosts, got " + t.hosts().size());
        }
        for (Topology.HostSpec h : t.hosts().values()) {
            SimHost host = new SimHost(senders.size() + 1, h.name(), h.mac(), h.ip(), h.iface(), h.switchName(),
                    h.port());
            hosts.put(h.name(), host);
            senders.add(host);
            plugHost(host, switches.get(h.switchName()), h.port());
        }
        for (Topology.LinkSpec l : t.links()) {
            SimSwitch a = switches.get(l.switchA());
            SimSwitch b = switches.get(l.switchB());
            ensurePort(a, l.portA(), TopologyBuilder.portName(a.name(), l.portA()));
            ensurePort(b, l.portB(), TopologyBuilder.portName(b.name(), l.portB()));
            Link link = new Link(a, l.portA(), b, l.portB());
            links.add(link);
            a.attachments().put(l.portA().getPortNumber(), new Attachment.ToLink(link, b, l.portB()));
            b.attachments().put(l.portB().getPortNumber(), new Attachment.ToLink(link, a, l.portA()));
        }
        for (Topology.TunnelSpec tn : t.tunnels()) {
            SimSwitch a = switches.get(tn.switchA());
            SimSwitch b = switches.get(tn.switchB());
            ensurePort(a, tn.portA(), "vx-" + b.name());
            ensurePort(b, tn.portB(), "vx-" + a.name());
            a.attachments().put(tn.portA().getPortNumber(), new Attachment.ToTunnel(b));
            b.attachments().put(tn.portB().getPortNumber(), new Attachment.ToTunnel(a));
        }
        for (Topology.FlowTunnelSpec ft : t.flowTunnels()) {
            SimSwitch s = switches.get(ft.switchName());
            ensurePort(s, ft.port(), ft.portName());
            s.attachments().put(ft.port().getPortNumber(), new Attachment.ToFlowTunnel());
        }
    }

    private static MacAddress portMac(SimSwitch sw, OFPort port) {
        return MacAddress.of((0x02L << 40) | ((sw.dpid().getLong() & 0xffffffL) << 16) | (port.getPortNumber() & 0xffff));
    }

    private void newPort(SimSwitch sw, OFPort port, String name) {
        sw.datapath().addPort(port, name, portMac(sw, port));
    }

    private void ensurePort(SimSwitch sw, OFPort port, String name) {
        if (sw.datapath().port(port) == null) {
            newPort(sw, port, name);
        }
    }

    private void plugHost(SimHost host, SimSwitch sw, OFPort port) {
        if (sw.datapath().port(port) == null) {
            newPort(sw, port, host.iface());
        }
        sw.attachments().put(port.getPortNumber(), new Attachment.ToHost(host));
        host.moveTo(sw.name(), port);
    }

    /** Sets the first link between two switches up or down (LINK_DOWN + PORT_STATUS on both ends). */
    void setLink(String a, String b, boolean up) {
        Link l = links.stream().filter(x -> x.joins(a, b)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link between " + a + " and " + b));
        l.setUp(up);
        l.a().datapath().setLinkDown(l.portA(), !up);
        l.b().datapath().setLinkDown(l.portB(), !up);
    }

    /** Adds an unattached port; {@code port} null = next free number, {@code name} null = the default. */
    OFPort addPort(SimSwitch s, OFPort port, String name) {
        OFPort p = port == null ? s.datapath().nextFreePort() : port;
        newPort(s, p, name == null ? TopologyBuilder.portName(s.name(), p) : name);
        return p;
    }

    /** Removes a port; whatever was plugged in is unplugged (a link's far end goes down). */
    void removePort(SimSwitch s, OFPort port) {
        if (s.datapath().removePort(port) == null) {
            throw new IllegalArgumentException(s.name() + " has no port " + port);
        }
        Attachment a = s.attachments().remove(port.getPortNumber());
        if (a instanceof Attachment.ToLink l) {
            l.link().setUp(false);
            l.peer().datapath().setLinkDown(l.peerPort(), true);
        }
    }

    /** A VM migration with port changes; see {@link SimNetwork#moveHost}. */
    OFPort moveHost(SimHost h, SimSwitch to, OFPort port) {
        SimSwitch from = switches.get(h.switchName());
        from.datapath().removePort(h.port());
        from.attachments().remove(h.port().getPortNumber());
        OFPort p = port == null ? to.datapath().nextFreePort() : port;
        if (to.datapath().port(p) != null) {
            throw new IllegalArgumentException(to.name() + " port " + p + " is in use");
        }
        newPort(to, p, h.iface());
        to.attachments().put(p.getPortNumber(), new Attachment.ToHost(h));
        h.moveTo(to.name(), p);
        return p;
    }

    /** The switchover of a live migration onto an existing port; see {@link SimNetwork#attachHost}. */
    void attachHost(SimHost h, SimSwitch to, OFPort port) {
        if (to.datapath().port(port) == null) {
            throw new IllegalArgumentException(to.name() + " has no port " + port);
        }
        if (to.attachments().containsKey(port.getPortNumber())) {
            throw new IllegalArgumentException(to.name() + " port " + port + " is in use");
        }
        switches.get(h.switchName()).attachments().remove(h.port().getPortNumber());
        to.attachments().put(port.getPortNumber(), new Attachment.ToHost(h));
        h.moveTo(to.name(), port);
    }
}
