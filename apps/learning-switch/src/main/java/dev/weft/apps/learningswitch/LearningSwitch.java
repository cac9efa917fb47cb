package dev.weft.apps.learningswitch;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.packet.Ethernet;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanVid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classic per-switch learning switch. For each packet-in: learn the source MAC's port;
 * if the destination is known, install a flow (in_port, VLAN, source, destination → port, with an
 * idle timeout) that also releases the switch's buffered packet, or send the packet out when the
 * switch did not buffer it; otherwise flood the packet. When a MAC shows up on another port, or a
 * port goes away, the flows that pointed at the old place are deleted. Works on every OpenFlow
 * version the controller speaks: messages come from each switch's own factory.
 */
public final class LearningSwitch implements App {
    private static final Logger log = LoggerFactory.getLogger(LearningSwitch.class);
    public static final String NAME = "learning-switch";

    private final Map<DatapathId, MacTable> tables = new ConcurrentHashMap<>();
    private LearningSwitchConfig config = LearningSwitchConfig.defaults();
    private U64 cookie;
    private final LongAdder oversized = new LongAdder();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        config = ctx.config(LearningSwitchConfig.class);
        cookie = ctx.cookie().toU64();
        ctx.on(PacketIn.class, this::packetIn);
        ctx.on(PortStatusChanged.class, this::portStatus);
        ctx.on(SwitchDisconnected.class, e -> {
            tables.remove(e.sw().id());
            return Disposition.CONTINUE;
        });
    }

    /** MACs currently learned on a switch (for tests and diagnostics). */
    public int learned(DatapathId dpid) {
        MacTable t = tables.get(dpid);
        return t == null ? 0 : t.size();
    }

    private MacTable table(Switch sw) {
        MacTable t = tables.get(sw.id());
        if (t == null) {
            t = tables.computeIfAbsent(sw.id(), d -> new MacTable(config.maxMacs()));
        }
        return t;
    }

    private Disposition packetIn(PacketIn e) {
        Switch sw = e.sw();
        Ethernet frame = e.frame();
        MacAddress src = frame.src();
        if (Ethernet.isGroup(src)) {
            return Disposition.STOP; // a source address is never a group address: malformed or hostile
        }
        MacTable table = table(sw);
        OFPort in = e.inPort();
        OFPort moved = table.learn(src, in);
        if (moved != null) {
            log.debug("{} {} moved from port {} to {}", sw.id(), src, moved, in);
            deleteFlowsTo(sw, src);
        }
        MacAddress dst = frame.dst();
        OFPort out = Ethernet.isGroup(dst) ? null : table.lookup(dst);
        if (log.isTraceEnabled()) {
            log.trace("{} packet-in {} -> {} type {} in {} buffer {}: {}", sw.id(), src, dst, frame.ethType(), in,
                    e.bufferId(), out == null ? "flood" : out.equals(in) ? "drop" : "to " + out);
        }
        if (out == null) {
            send(sw, e.packetOut(List.of(sw.factory().actions().output(OFPort.FLOOD, 0xffff))));
            return Disposition.STOP;
        }
        if (out.equals(in)) {
            return Disposition.STOP; // the destination is behind the port it came from: drop
        }
        OFFactory f = sw.factory();
        List<OFAction> actions = table.outputTo(out, p -> List.of(f.actions().output(p, 0xffff)));
        OFFlowAdd.Builder flow = f.buildFlowAdd()
                .setCookie(cookie)
                .setPriority(config.priority())
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setHardTimeout((int) config.hardTimeout().toSeconds())
                .setMatch(match(f, in, frame))
                .setActions(actions)
                .setBufferId(e.bufferId());
        sw.send(flow.build());
        if (OFBufferId.NO_BUFFER.equals(e.bufferId())) {
            send(sw, e.packetOut(actions));
        }
        return Disposition.STOP;
    }

    /**
     * A packet no PACKET_OUT can carry (over 65,5xx bytes, see {@link PacketIn#packetOut}) is
     * dropped, as the switch would drop a frame larger than its output port's MTU; its flow entry
     * is installed all the same, so the flow's next packets go through the switch alone.
     */
    private void send(Switch sw, Optional<OFPacketOut> out) {
        if (out.isPresent()) {
            sw.send(out.get());
        } else {
            oversized.increment();
            log.debug("{} a packet too large for any PACKET_OUT was dropped", sw.id());
        }
    }

    /** Packets dropped because no PACKET_OUT can carry them. */
    public long oversized() {
        return oversized.sum();
    }

    private static Match match(OFFactory f, OFPort in, Ethernet frame) {
        Match.Builder m = f.buildMatch()
                .setExact(MatchField.IN_PORT, in)
                .setExact(MatchField.ETH_SRC, frame.src())
                .setExact(MatchField.ETH_DST, frame.dst());
        if (frame.vlan().isPresent()) {
            VlanVid vid = frame.vlan().get();
            m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.ofVlanVid(vid));
        } else if (f.getVersion() != OFVersion.OF_10) {
            m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.UNTAGGED);
        }
        return m.build();
    }

    private void deleteFlowsTo(Switch sw, MacAddress mac) {
        OFFactory f = sw.factory();
        var del = f.buildFlowDelete().setMatch(f.buildMatch().setExact(MatchField.ETH_DST, mac).build());
        if (f.getVersion() != OFVersion.OF_10) {
            del.setCookie(cookie).setCookieMask(AppCookie.APP_MASK);
        }
        sw.send(del.build());
    }

    private Disposition portStatus(PortStatusChanged e) {
        boolean gone = e.reason() == OFPortReason.DELETE || e.port().getState().contains(OFPortState.LINK_DOWN);
        if (!gone) {
            return Disposition.CONTINUE;
        }
        MacTable t = tables.get(e.sw().id());
        if (t != null && t.forgetPort(e.port().getPortNo()) > 0) {
            OFFactory f = e.sw().factory();
            var del = f.buildFlowDelete().setOutPort(e.port().getPortNo());
            if (f.getVersion() != OFVersion.OF_10) {
                del.setCookie(cookie).setCookieMask(AppCookie.APP_MASK);
            }
            e.sw().send(del.build());
        }
        return Disposition.CONTINUE;
    }
}
