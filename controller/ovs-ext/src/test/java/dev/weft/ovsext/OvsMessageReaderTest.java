package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OvsMessageReaderTest {
    private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
    private static final OFMessageReader<OFMessage> READER = OvsMessageReader.wrap(OFFactories.getGenericReader());

    /**
     * The whole FLOW_MOD {@code ovs-ofctl -O OpenFlow13 add-flow} sent for
     * {@code table=1,priority=10,ip,in_port=3,actions=ct(commit,zone=5,table=1,nat(src=10.0.0.1-10.0.0.9:1000-2000,random))}.
     */
    static final String OVS_FLOW_MOD = "040e0088000000020000000000000000000000000000000001000000"
            + "0000000affffffffffffffffffffffff0000000000010012800000040000000380000a0208000000000000000004004000000000"
            + NxCtTest.SNAT;

    private static OFMessage read(ByteBuf b) throws OFParseError {
        OFMessage m = READER.readFrom(b);
        assertEquals(0, b.readableBytes(), "the whole message is consumed");
        return m;
    }

    private static ByteBuf write(OFMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        return b;
    }

    private static NxCt snat() {
        return NxCt.commit(5).withTable(TableId.of(1)).withActions(
                NxNat.src(IPv4Address.of("10.0.0.1"), IPv4Address.of("10.0.0.9"))
                        .ports(TransportPort.of(1000), TransportPort.of(2000)).withRandom());
    }

    @Test
    void readsTheFlowModOvsOfctlSends() throws OFParseError {
        OFFlowAdd expected = OF.buildFlowAdd().setXid(2).setTableId(TableId.of(1)).setPriority(10)
                .setMatch(OF.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT,
                        OFPort.of(3)).setExact(org.projectfloodlight.openflow.protocol.match.MatchField.ETH_TYPE,
                        EthType.IPv4).build())
                .setInstructions(List.of(OF.instructions().applyActions(List.of(snat())))).build();
        OFMessage m = read(Bytes.buf(OVS_FLOW_MOD));
        assertEquals(expected, m);
        assertEquals(OVS_FLOW_MOD, io.netty.buffer.ByteBufUtil.hexDump(write(expected)), "and writes it back byte for byte");
    }

    @Test
    void flowStatsWithNiciraActionsRoundTrip() throws OFParseError {
        List<OFFlowStatsEntry> entries = new ArrayList<>();
        List<List<OFInstruction>> shapes = List.of(
                List.of(OF.instructions().applyActions(List.of(NxCt.track(9, TableId.of(1))))),
                List.of(OF.instructions().applyActions(List.of(NxCt.commit(9))),
                        OF.instructions().gotoTable(TableId.of(2))),
                List.of(OF.instructions().applyActions(List.of(
                        OF.actions().setField(OF.oxms().metadata(OFMetadata.of(U64.of(0x700001389L)))),
                        NxResubmit.table(TableId.of(5)), OF.actions().output(OFPort.of(3), 0),
                        NxResubmit.table(TableId.of(5)), NxCtClear.INSTANCE))),
                List.of(OF.instructions().meter(7), OF.instructions().writeMetadata(U64.of(5), U64.of(0xff)),
                        OF.instructions().writeActions(List.of(snat())), OF.instructions().gotoTable(TableId.of(6))),
                List.of(OF.instructions().applyActions(List.of(OF.actions().output(OFPort.of(1), 0)))));
        for (int i = 0; i < shapes.size(); i++) {
            entries.add(OF.buildFlowStatsEntry().setTableId(TableId.of(i)).setPriority(100 + i)
                    .setCookie(U64.of(0xabc0000000000000L + i)).setPacketCount(U64.of(i * 10L)).setByteCount(U64.of(i))
                    .setDurationSec(i).setMatch(OF.buildMatch().setExact(
                            org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT, OFPort.of(i + 1)).build())
                    .setInstructions(shapes.get(i)).build());
        }
        OFFlowStatsReply reply = OF.buildFlowStatsReply().setXid(77).setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE))
                .setEntries(entries).build();
        assertEquals(reply, read(write(reply)));
    }

    @Test
    void messagesWithoutNiciraActionsAreLoxisOwn() throws OFParseError {
        OFFlowAdd plain = OF.buildFlowAdd().setXid(5).setPriority(3)
                .setInstructions(List.of(OF.instructions().applyActions(List.of(OF.actions().output(OFPort.of(2), 0)))))
                .build();
        OFMessage viaUs = read(write(plain));
        OFMessage viaLoxi = OFFactories.getGenericReader().readFrom(write(plain));
        assertEquals(viaLoxi, viaUs);
        assertSame(viaLoxi.getClass(), viaUs.getClass());
        // other versions and messages go straight to Loxi
        OFMessage hello = OFFactories.getFactory(OFVersion.OF_10).buildHello().setXid(1).build();
        assertEquals(hello, read(write(hello)));
    }

    @Test
    void malformedExtensionsAreParseErrorsNotCrashes() {
        ByteBuf good = Bytes.buf(OVS_FLOW_MOD);
        // the nat inside ct claims 0x28 bytes where 0x20 are left
        ByteBuf bad = good.copy();
        int nat = OVS_FLOW_MOD.length() / 2 - 32;
        bad.setShort(nat + 2, 0x28);
        assertThrows(OFParseError.class, () -> READER.readFrom(bad));
        // every truncation of the message is an OFParseError (or read, when what is left is whole), never
        // an unchecked exception
        byte[] all = io.netty.buffer.ByteBufUtil.getBytes(good);
        for (int cut = 8; cut < all.length; cut += 4) {
            ByteBuf t = Unpooled.wrappedBuffer(all, 0, cut).copy();
            t.setShort(2, cut);
            try {
                READER.readFrom(t);
            } catch (OFParseError e) {
                assertTrue(e.getMessage() != null);
            }
        }
    }

    @Test
    void unknownNiciraSubtypesAreStillRefusedAsLoxiDoes() {
        // actions=controller.. as NXAST_CONTROLLER (subtype 20): not ours, Loxi refuses it
        OFAction unknown = new OFAction() {
            @Override
            public org.projectfloodlight.openflow.protocol.OFActionType getType() {
                return org.projectfloodlight.openflow.protocol.OFActionType.EXPERIMENTER;
            }

            @Override
            public OFVersion getVersion() {
                return OFVersion.OF_13;
            }

            @Override
            public void writeTo(ByteBuf b) {
                b.writeBytes(Bytes.buf("ffff0010000023200014000000000000"));
            }

            @Override
            public Builder createBuilder() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void putTo(com.google.common.hash.PrimitiveSink sink) {
            }
        };
        OFFlowAdd fm = OF.buildFlowAdd().setInstructions(List.of(OF.instructions().applyActions(
                List.of(NxCtClear.INSTANCE, unknown)))).build();
        assertThrows(OFParseError.class, () -> READER.readFrom(write(fm)));
    }
}
