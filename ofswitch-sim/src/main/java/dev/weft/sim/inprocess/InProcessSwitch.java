package dev.weft.sim.inprocess;

import com.google.common.base.Ticker;
import dev.weft.sim.datapath.Datapath;
import dev.weft.sim.datapath.DatapathConfig;
import dev.weft.sim.datapath.DatapathEnvironment;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.datapath.Frame;
import dev.weft.sim.datapath.SimPort;
import dev.weft.sim.datapath.TableVisit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One simulated switch driven directly, in the caller's thread, with no controller connection
 * and no network: feed it FLOW_MODs and GROUP_MODs with {@link #apply}, then ask what a frame
 * arriving on a port does with {@link #send} (Faucet's {@code is_output} style):
 * <pre>
 * InProcessSwitch hv1 = new InProcessSwitch("hv1", DatapathId.of(1)).addPort(OFPort.of(7), "vm1");
 * hv1.apply(flowMods);
 * Outcome o = hv1.send(OFPort.of(7), Frames.from(mac, ip).arpRequest(other));
 * assertEquals(Set.of(OFPort.of(7)), o.ports());
 * </pre>
 * Same flow tables, pipeline and actions as the simulator's networked switches (the
 * {@link Datapath}); output to a port that does not exist is accepted and drops, as in Open vSwitch.
 * Not thread-safe.
 */
public final class InProcessSwitch {
    private final String name;
    private final Datapath dp;
    private final Env env = new Env();

    /** OpenFlow 1.3, 8 tables, no packet buffers (packet-ins carry whole frames). */
    public InProcessSwitch(String name, DatapathId dpid) {
        this(name, DatapathConfig.of(dpid).withBuffers(0).withStrictOutputPorts(false), OFVersion.OF_13);
    }

    public InProcessSwitch(String name, DatapathConfig config, OFVersion version) {
        this(name, config, version, Ticker.systemTicker());
    }

    /** With a clock of the test's choosing (meters and flow durations read it). */
    public InProcessSwitch(String name, DatapathConfig config, OFVersion version, Ticker ticker) {
        this.name = name;
        this.dp = new Datapath(config, version, ticker, env);
        dp.watchPipeline(v -> env.visits.add(v));
    }

    public String name() {
        return name;
    }

    public DatapathId dpid() {
        return dp.dpid();
    }

    /** The factory of the switch's OpenFlow version, for building what to {@link #apply}. */
    public OFFactory factory() {
        return dp.factory();
    }

    /** Adds a port (its MAC derived from the switch and the number). */
    public InProcessSwitch addPort(OFPort number, String portName) {
        dp.addPort(number, portName, MacAddress.of(0x0200_0000_0000L | ((dp.dpid().getLong() & 0xffffffL) << 16)
                | (number.getPortNumber() & 0xffff)));
        return this;
    }

    public boolean hasPort(OFPort number) {
        return dp.port(number) != null;
    }

    /**
     * Processes messages as the switch would from its controller (FLOW_MOD, GROUP_MOD, ...).
     * Throws when the switch rejects one (an OpenFlow error), naming the message and the error.
     */
    public void apply(OFMessage... messages) {
        apply(List.of(messages));
    }

    public void apply(Collection<? extends OFMessage> messages) {
        for (OFMessage m : messages) {
            env.replies.clear();
            dp.handle(m);
            for (OFMessage r : env.replies) {
                if (r instanceof OFErrorMsg e) {
                    throw new IllegalArgumentException(name + " rejected " + m + ": " + e);
                }
            }
        }
        env.replies.clear();
    }

    /** What a frame arriving on {@code port} does. */
    public Outcome send(OFPort port, byte[] frame) {
        return send(port, Frame.of(frame));
    }

    /** What a frame arriving on {@code port} from a tunnel, with tunnel id {@code tunnelId}, does. */
    public Outcome send(OFPort port, byte[] frame, long tunnelId) {
        return send(port, Frame.of(frame).withTunnel(tunnelId, 0, 0));
    }

    Outcome send(OFPort port, Frame frame) {
        if (dp.port(port) == null) {
            throw new IllegalArgumentException(name + " has no port " + port);
        }
        env.reset();
        dp.receive(port, frame);
        return new Outcome(env.outputs, env.packetIns, env.visits);
    }

    /** The installed entries, table by table. */
    public List<FlowSnapshot> flows() {
        return dp.flows();
    }

    @Override
    public String toString() {
        return name + " (" + dp.dpid() + ")";
    }

    /** Collects what the switch does while one frame goes through it. */
    private static final class Env implements DatapathEnvironment {
        final List<OFMessage> replies = new ArrayList<>();
        List<Outcome.Output> outputs = new ArrayList<>();
        List<OFPacketIn> packetIns = new ArrayList<>();
        List<TableVisit> visits = new ArrayList<>();

        void reset() {
            outputs = new ArrayList<>();
            packetIns = new ArrayList<>();
            visits = new ArrayList<>();
        }

        @Override
        public void toController(OFMessage message) {
            if (message instanceof OFPacketIn pi) {
                packetIns.add(pi);
            } else {
                replies.add(message);
            }
        }

        @Override
        public boolean controllerConnected() {
            return true;
        }

        @Override
        public void transmit(SimPort port, Frame frame) {
            outputs.add(new Outcome.Output(port.number(), frame.bytes(), frame.tunnelId(), frame.tunnelDst()));
        }
    }
}
