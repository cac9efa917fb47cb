package dev.weft.ovsext;

import com.google.common.hash.PrimitiveSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFActionType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionExperimenter;

/**
 * An Open vSwitch extension action (an OpenFlow experimenter action with the Nicira vendor id
 * {@value #NICIRA_HEX} and a subtype) that Loxi does not have. Each is an immutable record that
 * writes itself in Open vSwitch's wire format, so it goes into Loxi's instructions like any
 * action; {@link OvsMessageReader} reads them back from flow-mods and flow-stats replies as
 * objects equal to the ones written. {@link #toString()} is the {@code ovs-ofctl} syntax.
 *
 * <p>Open vSwitch encodes these the same way in OpenFlow 1.1 to 1.5; Weft uses them with 1.3.
 */
public sealed interface NiciraAction extends OFActionExperimenter permits NxCt, NxNat, NxResubmit, NxCtClear {
    /** Open vSwitch's vendor id (NX_VENDOR_ID). */
    long NICIRA = 0x2320L;
    String NICIRA_HEX = "0x2320";

    /** The Nicira subtype (NXAST_*). */
    int subtype();

    @Override
    default OFActionType getType() {
        return OFActionType.EXPERIMENTER;
    }

    @Override
    default long getExperimenter() {
        return NICIRA;
    }

    @Override
    default OFVersion getVersion() {
        return OFVersion.OF_13;
    }

    /** These are records: make a new one instead ({@code with...} methods). */
    @Override
    default OFActionExperimenter.Builder createBuilder() {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " is an immutable record; use its with... methods");
    }

    /** Hashing funnel (Loxi's {@code PrimitiveSinkable}): the wire bytes. */
    @Override
    default void putTo(PrimitiveSink sink) {
        ByteBuf b = Unpooled.buffer(32);
        try {
            writeTo(b);
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            sink.putBytes(bytes);
        } finally {
            b.release();
        }
    }
}
