package dev.weft.sim.net;

import dev.weft.sim.packet.Frames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A simulated host (or VM) with one interface: answers ARP for its address, learns ARP entries
 * from requests, replies and gratuitous ARPs addressed to it or broadcast, and answers ICMP echo
 * (echo replies are read from the trace, which knows which host sent them). Its state lives on
 * the sim-loop; read it through {@link SimNetwork}.
 */
public final class SimHost {
    private static final int INBOX_LIMIT = 10_000;

    private final int index;
    private final String name;
    private final MacAddress mac;
    private final IPv4Address ip;
    private final String iface;
    private volatile String switchName;
    private volatile OFPort port;
    private final Map<IPv4Address, MacAddress> arp = new HashMap<>();
    private final List<byte[]> inbox = new ArrayList<>();
    private long received;

    /** How a host puts a frame on its wire (towards its switch port). */
    interface Wire {
        void send(SimHost from, byte[] frame, long traceId);
    }

    SimHost(int index, String name, MacAddress mac, IPv4Address ip, String iface, String switchName, OFPort port) {
        this.index = index;
        this.name = name;
        this.mac = mac;
        this.ip = ip;
        this.iface = iface;
        this.switchName = switchName;
        this.port = port;
    }

    public String name() {
        return name;
    }

    /** The host's number in its network (1..), which its frames carry as their sender. */
    int index() {
        return index;
    }

    public MacAddress mac() {
        return mac;
    }

    public IPv4Address ip() {
        return ip;
    }

    /** The interface name: the name of the port on its switch, kept across moves. */
    public String iface() {
        return iface;
    }

    /** The switch the host is plugged into now. */
    public String switchName() {
        return switchName;
    }

    public OFPort port() {
        return port;
    }

    void moveTo(String sw, OFPort p) {
        this.switchName = sw;
        this.port = p;
    }

    // ---- loop-thread state --------------------------------------------------------------

    MacAddress arpEntry(IPv4Address addr) {
        return arp.get(addr);
    }

    void forgetArp() {
        arp.clear();
    }

    List<byte[]> inbox() {
        return List.copyOf(inbox);
    }

    long receivedCount() {
        return received;
    }

    void clearInbox() {
        inbox.clear();
    }

    /** A frame arrives on the host's interface. Replies inherit the trace as HOST_REPLY. */
    void receive(byte[] frame, long traceId, Wire wire) {
        received++;
        if (inbox.size() < INBOX_LIMIT) {
            inbox.add(frame);
        }
        MacAddress dst = Frames.ethDst(frame);
        if (!dst.equals(mac) && !dst.isBroadcast()) {
            return; // not for us: a NIC without promiscuous mode ignores it
        }
        long replyTrace = traceId == 0 ? 0 : FrameOrigin.id(FrameOrigin.base(traceId), FrameOrigin.HOST_REPLY);
        Frames.Arp a = Frames.parseArp(frame);
        if (a != null) {
            arp(a, replyTrace, wire);
            return;
        }
        Frames.IcmpEcho echo = Frames.parseIcmpEcho(frame);
        if (echo != null && echo.request() && echo.dst().equals(ip)) {
            wire.send(this, Frames.from(mac, ip).to(Frames.ethSrc(frame), echo.src())
                    .echoReply(echo.id(), echo.seq(), echo.payload()), replyTrace);
        }
    }

    private void arp(Frames.Arp a, long replyTrace, Wire wire) {
        if (a.rarp()) {
            return;
        }
        boolean forMe = a.tpa().equals(ip);
        if (a.isGratuitous()) {
            if (arp.containsKey(a.spa())) {
                arp.put(a.spa(), a.sha()); // Linux updates an existing entry on gratuitous ARP
            }
            return;
        }
        if (forMe) {
            arp.put(a.spa(), a.sha());
            if (a.op() == Frames.ARP_REQUEST) {
                wire.send(this, Frames.from(mac, ip).to(a.sha(), a.spa()).arpReply(), replyTrace);
            }
        }
    }

    @Override
    public String toString() {
        return name + "(" + mac + ", " + ip + ", " + iface + " at " + switchName + ":" + port + ")";
    }
}
