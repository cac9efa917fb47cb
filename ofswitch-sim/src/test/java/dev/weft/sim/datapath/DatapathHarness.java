package dev.weft.sim.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.sim.net.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Drives one {@link Datapath} directly with Loxi messages and frames, recording what comes out. */
final class DatapathHarness implements DatapathEnvironment {
    record Sent(int port, Frame frame) {
        byte[] bytes() {
            return frame.bytes();
        }
    }

    final ManualTicker ticker = new ManualTicker();
    final Datapath dp;
    final List<OFMessage> messages = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    boolean connected = true;

    DatapathHarness(OFVersion version, int ports, DatapathConfig config) {
        dp = new Datapath(config, version, ticker, this);
        for (int i = 1; i <= ports; i++) {
            dp.addPort(OFPort.of(i), "s1-eth" + i, MacAddress.of(0x0200_0000_0000L + i));
        }
        messages.clear();
    }

    static DatapathHarness of13(int ports) {
        return new DatapathHarness(OFVersion.OF_13, ports, DatapathConfig.of(DatapathId.of(1)));
    }

    static DatapathHarness of10(int ports) {
        return new DatapathHarness(OFVersion.OF_10, ports, DatapathConfig.of(DatapathId.of(1)));
    }

    OFFactory f() {
        return dp.factory();
    }

    void send(OFMessage... ms) {
        for (OFMessage m : ms) {
            dp.handle(m);
        }
    }

    void inject(int port, byte[] frame) {
        dp.receive(OFPort.of(port), Frame.of(frame));
    }

    List<Sent> takeSent() {
        List<Sent> l = List.copyOf(sent);
        sent.clear();
        return l;
    }

    List<Integer> takeSentPorts() {
        List<Integer> l = new ArrayList<>();
        for (Sent s : takeSent()) {
            l.add(s.port());
        }
        return l;
    }

    List<OFMessage> takeMessages() {
        List<OFMessage> l = List.copyOf(messages);
        messages.clear();
        return l;
    }

    <T> List<T> take(Class<T> type) {
        List<T> l = new ArrayList<>();
        for (OFMessage m : takeMessages()) {
            if (type.isInstance(m)) {
                l.add(type.cast(m));
            }
        }
        return l;
    }

    /** Asserts exactly one message came out, an error, and returns it. */
    OFErrorMsg onlyError() {
        List<OFMessage> l = takeMessages();
        assertEquals(1, l.size(), "expected exactly one error, got " + l);
        return (OFErrorMsg) l.get(0);
    }

    void assertNoMessages() {
        assertEquals(List.of(), takeMessages());
    }

    @Override
    public void toController(OFMessage message) {
        messages.add(message);
    }

    @Override
    public boolean controllerConnected() {
        return connected;
    }

    @Override
    public void transmit(SimPort port, Frame frame) {
        sent.add(new Sent(port.number().getPortNumber(), frame));
    }
}
