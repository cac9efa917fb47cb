package dev.weft.apps.dhcp;

import dev.weft.api.Switch;
import dev.weft.api.event.PacketIn;
import dev.weft.api.packet.Ethernet;
import dev.weft.apps.tenantpipeline.ReplyFrames;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.fakes.FakeSwitch;
import dev.weft.testing.AppHarness;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DHCP responder in the real controller, with the config a user writes: answers with the
 * port's address, only to the port's own MAC where it is, rate-limited per port, and never
 * trips on a malformed request.
 */
class DhcpResponderTest {
    static final String YAML = """
            apps:
              dhcp: { punt-rate: 10, punt-burst: 20 }
            transport-nodes:
              - { name: hv1, datapath-id: 0xa1, tunnel-ip: 10.77.0.1 }
            tenants:
              - name: t
                networks:
                  - name: lab
                    segment: 6003
                    subnet: 10.0.3.0/24
                    dhcp: { server-ip: 10.0.3.2, range: 10.0.3.100-10.0.3.110, dns: [10.0.3.2] }
                    ports:
                      - { name: a, mac: "02:00:00:00:03:0a", binding: { interface: vm-a } }
                      - { name: b, mac: "02:00:00:00:03:0b", ips: [10.0.3.50], binding: { interface: vm-b } }
            """;
    static final MacAddress A = MacAddress.of("02:00:00:00:03:0a");
    static final MacAddress B = MacAddress.of("02:00:00:00:03:0b");

    static byte[] discover(MacAddress from, MacAddress chaddr, int xid) {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid);
        b.position(28);
        b.put(chaddr.getBytes());
        b.position(236);
        b.putInt(0x63825363).put((byte) 53).put((byte) 1).put((byte) 1).put((byte) 255);
        return ReplyFrames.udp(MacAddress.BROADCAST, from, IPv4Address.NONE, IPv4Address.NO_MASK, 68, 67, b.array());
    }

    /** A packet-in as the DHCP entry of the L3 stage sends it. */
    static PacketIn punted(AppHarness h, Switch sw, int port, byte[] frame) {
        OFPacketIn pin = sw.factory().buildPacketIn().setReason(OFPacketInReason.ACTION).setTableId(TenantPipeline.L3)
                .setCookie(h.cookie(Dhcp.NAME).withNetwork(6003).toU64()).setTotalLen(frame.length).setData(frame)
                .setMatch(sw.factory().buildMatch().setExact(MatchField.IN_PORT, OFPort.of(port))
                        .setExact(MatchField.METADATA, OFMetadata.of(TenantPipeline.metadata(6003, false))).build())
                .build();
        return new PacketIn(sw, pin, OFPort.of(port), Ethernet.parse(frame).orElseThrow());
    }

    static List<OFPacketOut> answers(FakeSwitch sw) {
        List<OFPacketOut> l = sw.sent(OFPacketOut.class);
        sw.clearSent();
        return l;
    }

    @Test
    void answersTheRangeAddressOnlyToThePortsOwnMacWhereItIs() throws Exception {
        try (AppHarness h = new AppHarness().config(YAML)) {
            Dhcp app = h.start(new Dhcp());
            FakeSwitch sw = new FakeSwitch(org.projectfloodlight.openflow.types.DatapathId.of(0xa1), OFVersion.OF_13);
            sw.addPort(1, "vm-a");
            sw.addPort(2, "vm-b");
            h.connect(sw);
            h.settle();
            sw.clearSent();
            h.deliver(punted(h, sw, 1, discover(A, A, 7)));
            List<OFPacketOut> out = answers(sw);
            assertEquals(1, out.size());
            assertEquals(OFPort.of(1), ((OFActionOutput) out.get(0).getActions().get(0)).getPort(), "out of its port");
            byte[] offer = out.get(0).getData();
            int bootp = 14 + 20 + 8;
            assertEquals(IPv4Address.of("10.0.3.100"), IPv4Address.of(java.util.Arrays.copyOfRange(offer, bootp + 16,
                    bootp + 20)), "the first address of the range");
            assertEquals(IPv4Address.of("10.0.3.2"), IPv4Address.of(java.util.Arrays.copyOfRange(offer, 26, 30)),
                    "from the server address");
            assertEquals(0, ReplyFrames.checksum(offer, 14, 20, 0), "IPv4 header checksum");
            // b's MAC on a's port, or a's request for b's hardware address: nothing.
            h.deliver(punted(h, sw, 1, discover(B, B, 8)));
            h.deliver(punted(h, sw, 1, discover(A, B, 9)));
            assertEquals(List.of(), answers(sw));
            assertEquals(1, app.offers());
            assertEquals(0, h.failures());
        }
    }

    @Test
    void aFloodingPortGetsItsBurstThenItsRateAndItsNeighbourIsStillAnswered() throws Exception {
        try (AppHarness h = new AppHarness().config(YAML)) {
            Dhcp app = h.start(new Dhcp());
            FakeSwitch sw = new FakeSwitch(org.projectfloodlight.openflow.types.DatapathId.of(0xa1), OFVersion.OF_13);
            sw.addPort(1, "vm-a");
            sw.addPort(2, "vm-b");
            h.connect(sw);
            h.settle();
            sw.clearSent();
            for (int i = 0; i < 1000; i++) {
                h.deliver(punted(h, sw, 1, discover(A, A, i)));
            }
            assertEquals(20, answers(sw).size(), "the burst, then nothing");
            assertEquals(980, app.dropped());
            h.deliver(punted(h, sw, 2, discover(B, B, 1)));
            assertEquals(1, answers(sw).size(), "the neighbour is answered");
            h.clock().advance(Duration.ofSeconds(1));
            for (int i = 0; i < 100; i++) {
                h.deliver(punted(h, sw, 1, discover(A, A, i)));
            }
            assertEquals(10, answers(sw).size(), "10 per second after the burst");
        }
    }

    @Test
    void malformedRequestsAreDroppedNeverThrown() throws Exception {
        try (AppHarness h = new AppHarness().config(YAML)) {
            h.start(new Dhcp());
            FakeSwitch sw = new FakeSwitch(org.projectfloodlight.openflow.types.DatapathId.of(0xa1), OFVersion.OF_13);
            sw.addPort(1, "vm-a");
            h.connect(sw);
            h.settle();
            sw.clearSent();
            byte[] good = discover(A, A, 1);
            Random r = new Random(42);
            int answered = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] f = java.util.Arrays.copyOf(good, 14 + 20 + 8 + r.nextInt(good.length - 42 + 40));
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    int at = 42 + r.nextInt(Math.max(1, f.length - 42));
                    if (at < f.length) {
                        f[at] = (byte) r.nextInt(256);
                    }
                }
                h.clock().advance(Duration.ofSeconds(1));
                h.deliver(punted(h, sw, 1, f));
                answered += answers(sw).size();
            }
            assertEquals(0, h.failures(), "no handler threw");
            assertTrue(answered < 2000, "most mangled requests get nothing (" + answered + " answered)");
        }
    }
}
