package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFBufferId;

/** cbench's counting rule, applied to raw frames of both versions. */
class ResponseClassifierTest {

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void countsFlowModAddAndModifyStrictOnly(OFVersion version) {
        OFFactory factory = OFFactories.getFactory(version);
        assertTrue(counted(Messages.flowMod(factory, OFFlowModCommand.ADD)), "ADD");
        assertTrue(counted(Messages.flowMod(factory, OFFlowModCommand.MODIFY_STRICT)), "MODIFY_STRICT");
        assertFalse(counted(Messages.flowMod(factory, OFFlowModCommand.MODIFY)), "MODIFY");
        assertFalse(counted(Messages.flowMod(factory, OFFlowModCommand.DELETE)), "DELETE");
        assertFalse(counted(Messages.flowMod(factory, OFFlowModCommand.DELETE_STRICT)), "DELETE_STRICT");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void countsPacketOutsExceptLldp(OFVersion version) {
        OFFactory factory = OFFactories.getFactory(version);
        assertTrue(counted(Messages.packetOut(factory, 1, Messages.ipv4Frame())), "IPv4");
        assertTrue(counted(Messages.bufferedPacketOut(factory)), "buffered, no data");
        assertFalse(counted(Messages.packetOut(factory, 1, Messages.lldpFrame(false))), "LLDP");
        assertFalse(counted(Messages.packetOut(factory, 1, Messages.lldpFrame(true))), "VLAN-tagged LLDP");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void countsNothingElse(OFVersion version) {
        OFFactory factory = OFFactories.getFactory(version);
        assertFalse(counted(factory.buildEchoRequest().setXid(1).build()));
        assertFalse(counted(factory.buildBarrierRequest().setXid(1).build()));
        assertFalse(counted(factory.buildFeaturesRequest().setXid(1).build()));
        assertFalse(counted(PacketInTemplate.packetIn(factory, BenchAddresses.PROBE_IN_PORT,
                OFBufferId.NO_BUFFER, Messages.ipv4Frame())));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void readsTheFrameAtItsOffset(OFVersion version) {
        OFFactory factory = OFFactories.getFactory(version);
        ByteBuf buf = Messages.encode(factory.buildEchoRequest().setXid(1).build(),
                Messages.flowMod(factory, OFFlowModCommand.ADD));
        int start = OfWire.HEADER_LENGTH;
        assertTrue(ResponseClassifier.isCountedResponse(buf, start, buf.readableBytes() - start));
    }

    private static boolean counted(OFMessage message) {
        ByteBuf buf = Messages.encode(message);
        return ResponseClassifier.isCountedResponse(buf, 0, buf.readableBytes());
    }
}
