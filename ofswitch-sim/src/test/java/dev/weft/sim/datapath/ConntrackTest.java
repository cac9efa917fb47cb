package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.MAC1;
import static dev.weft.sim.datapath.Of.MAC2;
import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxNat;
import dev.weft.sim.packet.Checksums;
import dev.weft.sim.packet.Frames;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;

/** ct(commit, nat(...), table=T) as a NAT gateway uses it: translated one way, translated back the other. */
class ConntrackTest {
    static final IPv4Address INSIDE = IPv4Address.of("10.0.1.11");
    static final IPv4Address OUTSIDE = IPv4Address.of("198.51.100.1");
    static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.10");
    private final DatapathHarness h = DatapathHarness.of13(2);
    private final OFFactory f = h.f();

    static IPv4Address src(byte[] b) {
        return IPv4Address.of(Arrays.copyOfRange(b, 26, 30));
    }

    static IPv4Address dst(byte[] b) {
        return IPv4Address.of(Arrays.copyOfRange(b, 30, 34));
    }

    /** Port 1 inside, port 2 outside; table 0 translates (zone 7) and goes on in table 1 by metadata. */
    void gateway(NxNat inbound) {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(), apply(f,
                        f.actions().setField(f.oxms().metadata(OFMetadata.ofRaw(1))),
                        NxCt.commit(7).withTable(TableId.of(1)).withActions(NxNat.src(PUBLIC)))).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(), apply(f,
                        f.actions().setField(f.oxms().metadata(OFMetadata.ofRaw(2))),
                        NxCt.track(7, TableId.of(1)).withActions(inbound))).build(),
                add(f, 1, 10, f.buildMatch().setExact(MatchField.METADATA, OFMetadata.ofRaw(1)).build(),
                        apply(f, out(f, 2))).build(),
                add(f, 1, 10, f.buildMatch().setExact(MatchField.METADATA, OFMetadata.ofRaw(2)).build(),
                        apply(f, out(f, 1))).build());
        h.assertNoMessages();
    }

    @Test
    void sourceNatOutAndBackForUdpAndPing() {
        gateway(NxNat.reverse());
        h.inject(1, Frames.from(MAC1, INSIDE).to(MAC2, OUTSIDE).udp(5000, 53, new byte[8]));
        byte[] out = h.takeSent().get(0).bytes();
        assertEquals(PUBLIC, src(out), "translated source");
        assertTrue(Checksums.verify(out, 14, 20), "IPv4 checksum");
        // The reply comes back to the public address and is translated back to the VM.
        h.inject(2, Frames.from(MAC2, OUTSIDE).to(MAC1, PUBLIC).udp(53, 5000, new byte[8]));
        byte[] back = h.takeSent().get(0).bytes();
        assertEquals(INSIDE, dst(back));
        assertEquals(OUTSIDE, src(back));
        // A ping, and its reply.
        h.inject(1, Frames.from(MAC1, INSIDE).to(MAC2, OUTSIDE).echoRequest(77, 1, new byte[8]));
        assertEquals(PUBLIC, src(h.takeSent().get(0).bytes()));
        h.inject(2, Frames.from(MAC2, OUTSIDE).to(MAC1, PUBLIC).echoReply(77, 1, new byte[8]));
        assertEquals(INSIDE, dst(h.takeSent().get(0).bytes()));
        // Something nobody inside started: not translated (it stays addressed to the public address).
        h.inject(2, Frames.from(MAC2, OUTSIDE).to(MAC1, PUBLIC).udp(53, 6000, new byte[8]));
        assertEquals(PUBLIC, dst(h.takeSent().get(0).bytes()));
    }

    @Test
    void destinationNatInAndItsRepliesOut() {
        gateway(NxNat.dst(INSIDE));
        h.send(add(f, 0, 20, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(), apply(f,
                f.actions().setField(f.oxms().metadata(OFMetadata.ofRaw(2))),
                NxCt.commit(7).withTable(TableId.of(1)).withActions(NxNat.dst(INSIDE)))).build());
        h.inject(2, Frames.from(MAC2, OUTSIDE).to(MAC1, PUBLIC).echoRequest(5, 1, new byte[8]));
        assertEquals(INSIDE, dst(h.takeSent().get(0).bytes()), "a floating IP: to the VM");
        h.inject(1, Frames.from(MAC1, INSIDE).to(MAC2, OUTSIDE).echoReply(5, 1, new byte[8]));
        assertEquals(PUBLIC, src(h.takeSent().get(0).bytes()), "its reply leaves from the floating IP");
    }

    @Test
    void rangesAndPortsAreRefusedNotFaked() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, NxCt.commit(1).withActions(
                NxNat.src(PUBLIC).ports(TransportPort.of(1024), TransportPort.of(2048))))).build());
        List<OFErrorMsg> errors = h.take(OFErrorMsg.class);
        assertEquals(1, errors.size());
    }
}
