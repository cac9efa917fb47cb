package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.MAC2;
import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.gotoTable;
import static dev.weft.sim.datapath.Of.out;
import static dev.weft.sim.datapath.Of.udp12;
import static dev.weft.sim.datapath.Of.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.EtherTypes;
import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.Frames;
import dev.weft.sim.packet.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.U64;

/** Multi-table pipeline, action set, groups, VLAN and tunnel metadata on real frame bytes. */
class PipelineTest {
    private final DatapathHarness h = DatapathHarness.of13(4);
    private final OFFactory f = h.f();

    @Test
    void gotoTableCarriesMetadataToTheNextTable() {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                        f.instructions().writeMetadata(U64.of(0x500), U64.of(0xff00)), gotoTable(f, 2)).build(),
                add(f, 2, 10, f.buildMatch().setMasked(MatchField.METADATA, OFMetadata.ofRaw(0x500),
                        OFMetadata.ofRaw(0xff00)).build(), apply(f, out(f, 3))).build(),
                add(f, 2, 5, f.buildMatch().build(), apply(f, out(f, 4))).build());
        h.inject(1, udp12());
        h.inject(2, udp12()); // no entry in table 0 for port 2: dropped (1.3 table miss)
        assertEquals(List.of(3), h.takeSentPorts());
        h.assertNoMessages();
    }

    @Test
    void actionSetRunsAtPipelineEndInSpecOrderAndClearActionsEmptiesIt() {
        // table 0 writes output first and set_field second; the set executes set_field before output
        h.send(add(f, 0, 10, f.buildMatch().build(),
                        write(f, out(f, 2), f.actions().setField(f.oxms().ethDst(MacAddress.of("00:00:00:00:00:99")))),
                        gotoTable(f, 1)).build(),
                add(f, 1, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                        write(f, out(f, 3))).build(),
                add(f, 1, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(4)).build(),
                        f.instructions().clearActions()).build());
        h.inject(1, udp12());
        List<DatapathHarness.Sent> sent = h.takeSent();
        assertEquals(1, sent.size(), "the second write replaced the output in the action set");
        assertEquals(3, sent.get(0).port());
        assertEquals(MacAddress.of("00:00:00:00:00:99"), Frames.ethDst(sent.get(0).bytes()));
        h.inject(4, udp12());
        assertEquals(List.of(), h.takeSentPorts(), "clear_actions emptied the action set");
    }

    @Test
    void applyActionsOutputsACopyAtThatPointOfTheList() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2),
                f.actions().setField(f.oxms().ethDst(MacAddress.of("00:00:00:00:00:99"))), out(f, 3))).build());
        h.inject(1, udp12());
        List<DatapathHarness.Sent> sent = h.takeSent();
        assertEquals(MAC2, Frames.ethDst(sent.get(0).bytes()));
        assertEquals(MacAddress.of("00:00:00:00:00:99"), Frames.ethDst(sent.get(1).bytes()));
    }

    @Test
    void setFieldIpv4RewritesBytesWithValidChecksums() {
        byte[] ping = Frames.from(Of.MAC1, Of.IP1).to(MAC2, Of.IP2).echoRequest(7, 1, new byte[32]);
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build(),
                apply(f, f.actions().setField(f.oxms().ipv4Dst(IPv4Address.of("192.168.7.9"))), out(f, 2))).build());
        h.inject(1, ping);
        byte[] outFrame = h.takeSent().get(0).bytes();
        Frames.IcmpEcho echo = Frames.parseIcmpEcho(outFrame); // null unless both checksums verify
        assertNotNull(echo);
        assertEquals(IPv4Address.of("192.168.7.9"), echo.dst());
        assertEquals(7, echo.id());
    }

    @Test
    void groupAllSendsOneCopyPerBucketWithItsOwnRewrites() {
        h.send(f.buildGroupAdd().setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL).setBuckets(List.of(
                f.buildBucket().setWatchGroup(OFGroup.ANY).setWatchPort(OFPort.ANY).setActions(List.of(out(f, 2))).build(),
                f.buildBucket().setWatchGroup(OFGroup.ANY).setWatchPort(OFPort.ANY).setActions(List.of(
                        f.actions().setField(f.oxms().ethDst(MacAddress.BROADCAST)), out(f, 3))).build(),
                f.buildBucket().setWatchGroup(OFGroup.ANY).setWatchPort(OFPort.ANY).setActions(List.of(out(f, 4))).build()))
                .build());
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, f.actions().group(OFGroup.of(1)))).build());
        h.inject(1, udp12());
        List<DatapathHarness.Sent> sent = h.takeSent();
        assertEquals(List.of(2, 3, 4), sent.stream().map(DatapathHarness.Sent::port).toList());
        assertEquals(MAC2, Frames.ethDst(sent.get(0).bytes()));
        assertEquals(MacAddress.BROADCAST, Frames.ethDst(sent.get(1).bytes()));
        assertEquals(MAC2, Frames.ethDst(sent.get(2).bytes()), "buckets work on independent copies");
        assertEquals(1, h.dp.groups().get(0).packetCount());
        h.assertNoMessages();
        // deleting the group removes the flow that used it
        h.send(f.buildGroupDelete().setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL).build());
        assertTrue(h.dp.flows().isEmpty());
    }

    @Test
    void vlanPushSetMatchAndPop() {
        OFVlanVidMatch vid10 = OFVlanVidMatch.ofVlan(10);
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1))
                        .setExact(MatchField.VLAN_VID, OFVlanVidMatch.UNTAGGED).build(),
                apply(f, f.actions().pushVlan(EthType.VLAN_FRAME), f.actions().setField(f.oxms().vlanVid(vid10)),
                        out(f, 2))).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2))
                        .setExact(MatchField.VLAN_VID, vid10).build(), apply(f, f.actions().popVlan(), out(f, 3))).build(),
                add(f, 0, 5, f.buildMatch().setMasked(MatchField.VLAN_VID, OFVlanVidMatch.PRESENT,
                        OFVlanVidMatch.PRESENT).build(), apply(f, out(f, 4))).build());
        byte[] plain = udp12();
        h.inject(1, plain);
        byte[] tagged = h.takeSent().get(0).bytes();
        Headers th = Headers.parse(tagged);
        assertTrue(th.vlanTagged());
        assertEquals(0x1000 | 10, th.get(Field.VLAN_VID));
        assertEquals(EtherTypes.IPV4, th.ethType());
        assertEquals(plain.length + 4, tagged.length);

        h.inject(2, tagged);
        byte[] popped = h.takeSent().get(0).bytes();
        assertArrayEquals(plain, popped, "pop restores the original bytes");

        h.inject(1, tagged); // tagged frame on port 1: untagged rule does not match; 'any VLAN' rule does
        assertEquals(List.of(4), h.takeSentPorts());
        h.inject(3, plain); // untagged: matches nothing
        assertEquals(List.of(), h.takeSentPorts());
    }

    @Test
    void tunnelIdIsSetForOutputAndMatchedOnInput() {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                        apply(f, f.actions().setField(f.oxms().tunnelId(U64.of(5001))), out(f, 2))).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2))
                        .setExact(MatchField.TUNNEL_ID, U64.of(5001)).build(), apply(f, out(f, 3))).build());
        h.inject(1, udp12());
        Frame out = h.takeSent().get(0).frame();
        assertEquals(5001, out.tunnelId());
        h.dp.receive(OFPort.of(2), Frame.of(udp12()).withTunnel(5001, 0, 0));
        h.dp.receive(OFPort.of(2), Frame.of(udp12()).withTunnel(5002, 0, 0));
        assertEquals(List.of(3), h.takeSentPorts());
    }

    @Test
    void arpFieldsMatchWithMasks() {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP)
                .setExact(MatchField.ARP_OP, org.projectfloodlight.openflow.types.ArpOpcode.REQUEST)
                .setMasked(MatchField.ARP_TPA, org.projectfloodlight.openflow.types.IPv4AddressWithMask.of("10.0.0.0/30"))
                .setExact(MatchField.ARP_SHA, Of.MAC1).build(), apply(f, out(f, 2))).build());
        h.inject(1, Frames.from(Of.MAC1, Of.IP1).arpRequest(IPv4Address.of("10.0.0.3")));
        h.inject(1, Frames.from(Of.MAC1, Of.IP1).arpRequest(IPv4Address.of("10.0.0.4")));
        h.inject(1, Frames.from(Of.MAC2, Of.IP1).arpRequest(IPv4Address.of("10.0.0.3")));
        h.inject(1, Frames.from(Of.MAC1, Of.IP1).to(Of.MAC2, IPv4Address.of("10.0.0.3")).arpReply());
        assertEquals(List.of(2), h.takeSentPorts());
    }

    @Test
    void portModTakesAPortDownAdministratively() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, OFPort.FLOOD))).build());
        h.send(f.buildPortMod().setPortNo(OFPort.of(2)).setHwAddr(h.dp.port(OFPort.of(2)).hwAddr())
                .setConfig(java.util.Set.of(org.projectfloodlight.openflow.protocol.OFPortConfig.PORT_DOWN))
                .setMask(java.util.Set.of(org.projectfloodlight.openflow.protocol.OFPortConfig.PORT_DOWN)).build());
        assertEquals(1, h.take(org.projectfloodlight.openflow.protocol.OFPortStatus.class).size());
        h.inject(1, udp12());
        assertEquals(List.of(3, 4), h.takeSentPorts());
        h.send(f.buildPortMod().setXid(9).setPortNo(OFPort.of(2)).setHwAddr(MacAddress.of("00:00:00:00:00:77"))
                .setConfig(java.util.Set.of()).setMask(java.util.Set.of()).build());
        assertEquals(org.projectfloodlight.openflow.protocol.OFPortModFailedCode.BAD_HW_ADDR,
                ((org.projectfloodlight.openflow.protocol.errormsg.OFPortModFailedErrorMsg) h.onlyError()).getCode());
    }

    @Test
    void floodAllInPortAndOutputToTheInputPortItself() {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                apply(f, out(f, OFPort.FLOOD))).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(),
                        apply(f, out(f, OFPort.IN_PORT), out(f, 2))).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(3)).build(),
                        apply(f, out(f, OFPort.ALL))).build());
        h.inject(1, udp12());
        assertEquals(List.of(2, 3, 4), h.takeSentPorts());
        h.inject(2, udp12());
        assertEquals(List.of(2), h.takeSentPorts(), "IN_PORT sends back; plain output to in_port is dropped");
        h.dp.setLinkDown(OFPort.of(4), true);
        h.inject(3, udp12());
        assertEquals(List.of(1, 2), h.takeSentPorts(), "a down port gets nothing");
        assertFalse(h.dp.port(OFPort.of(4)).isUp());
    }
}
