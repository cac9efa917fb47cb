package dev.weft.sim.net;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * An in-process controller for {@link SimNetworkBuilder#directController}: records what every
 * switch sends and, in flood mode, answers each packet-in with a PACKET_OUT to FLOOD (a hub).
 */
final class RecordingController implements BiConsumer<String, OFMessage> {
    record Received(String sw, OFMessage msg) {
    }

    private final List<Received> received = new ArrayList<>();
    volatile SimNetwork net;
    volatile boolean flood;

    @Override
    public synchronized void accept(String sw, OFMessage m) {
        received.add(new Received(sw, m));
        if (flood && m instanceof OFPacketIn pi) {
            OFFactory f = OFFactories.getFactory(m.getVersion());
            OFPort in = m.getVersion() == OFVersion.OF_10 ? pi.getInPort() : pi.getMatch().get(MatchField.IN_PORT);
            net.sendFromController(sw, f.buildPacketOut().setBufferId(pi.getBufferId()).setInPort(in)
                    .setData(pi.getBufferId().equals(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER)
                            ? pi.getData() : new byte[0])
                    .setActions(List.of(f.actions().output(OFPort.FLOOD, 0xffff))).build());
        }
    }

    synchronized <T> List<T> from(String sw, Class<T> type) {
        List<T> l = new ArrayList<>();
        for (Received r : received) {
            if (r.sw().equals(sw) && type.isInstance(r.msg())) {
                l.add(type.cast(r.msg()));
            }
        }
        return l;
    }

    synchronized void clear() {
        received.clear();
    }
}
