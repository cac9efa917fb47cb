package dev.weft.ovsext;

import com.google.common.hash.PrimitiveSink;
import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.U32;

import java.util.Objects;

/**
 * ONFT_ROLE_STATUS: OpenFlow 1.4's ROLE_STATUS carried to an OpenFlow 1.3 controller as an ONF
 * experimenter message (extension 1911). Open vSwitch sends it to a controller whose role it
 * changed without being asked, e.g. a master demoted because another controller became master.
 * Loxi reads it for neither 1.3 (unknown experimenter) nor as a 1.4 message.
 *
 * <p>Wire format (32 bytes): the OpenFlow header (version 4, type EXPERIMENTER), experimenter
 * 0x4F4E4600, exp_type 1911, role (uint32: 0 nochange, 1 equal, 2 master, 3 slave), reason (uint8:
 * 0 master request, 1 config, 2 experimenter), 3 bytes of padding, generation id (uint64), then
 * properties, which are skipped.
 */
public final class OnfRoleStatus implements OFMessage {
    public static final long ONF_EXPERIMENTER = 0x4F4E4600L;
    public static final int EXP_TYPE = 1911;
    public static final int REASON_MASTER_REQUEST = 0;
    public static final int REASON_CONFIG = 1;
    public static final int REASON_EXPERIMENTER = 2;
    static final int LENGTH = 32;
    private static final int OF13 = OFVersion.OF_13.getWireVersion();
    private static final int EXPERIMENTER = 4;

    private final long xid;
    private final OFControllerRole role;
    private final int reason;
    private final U64 generationId;

    public OnfRoleStatus(long xid, OFControllerRole role, int reason, U64 generationId) {
        if (role == null || generationId == null || reason < 0 || reason > 255) {
            throw new IllegalArgumentException("role status: role, generation id and a reason 0-255 needed");
        }
        this.xid = xid;
        this.role = role;
        this.reason = reason;
        this.generationId = generationId;
    }

    /** The role the switch gives the receiving connection now. */
    public OFControllerRole role() {
        return role;
    }

    /** Why (one of the {@code REASON_} constants, or another number a switch sent). */
    public int reason() {
        return reason;
    }

    /** The reason as {@code ovs-ofctl} names it. */
    public String reasonName() {
        return switch (reason) {
            case REASON_MASTER_REQUEST -> "primary_request";
            case REASON_CONFIG -> "configuration_changed";
            case REASON_EXPERIMENTER -> "experimenter_data_changed";
            default -> "reason " + reason;
        };
    }

    /** The master election generation id the switch holds. */
    public U64 generationId() {
        return generationId;
    }

    /** Whether the {@code length} bytes at {@code start} are an OpenFlow 1.3 ONF role status (header and ids only). */
    static boolean matches(ByteBuf b, int start, int length) {
        return length >= 16 && b.getUnsignedByte(start) == OF13 && b.getUnsignedByte(start + 1) == EXPERIMENTER
                && b.getUnsignedInt(start + 8) == ONF_EXPERIMENTER && b.getUnsignedInt(start + 12) == EXP_TYPE;
    }

    /** Reads one message (the whole of {@code b}'s readable bytes, as framed by its length field). */
    static OnfRoleStatus read(ByteBuf b) throws OFParseError {
        int start = b.readerIndex();
        int length = b.getUnsignedShort(start + 2);
        if (length < LENGTH || length > b.readableBytes()) {
            throw new OFParseError("ONFT_ROLE_STATUS of " + length + " bytes (at least " + LENGTH + ")");
        }
        long xid = b.getUnsignedInt(start + 4);
        long wireRole = b.getUnsignedInt(start + 16);
        OFControllerRole role = switch ((int) wireRole) {
            case 0 -> OFControllerRole.ROLE_NOCHANGE;
            case 1 -> OFControllerRole.ROLE_EQUAL;
            case 2 -> OFControllerRole.ROLE_MASTER;
            case 3 -> OFControllerRole.ROLE_SLAVE;
            default -> throw new OFParseError("ONFT_ROLE_STATUS with unknown role " + wireRole);
        };
        int reason = b.getUnsignedByte(start + 20);
        U64 generation = U64.of(b.getLong(start + 24));
        b.readerIndex(start + length); // properties (none defined for 1.3) are skipped
        return new OnfRoleStatus(xid, role, reason, generation);
    }

    private static int wireRole(OFControllerRole r) {
        return switch (r) {
            case ROLE_NOCHANGE -> 0;
            case ROLE_EQUAL -> 1;
            case ROLE_MASTER -> 2;
            case ROLE_SLAVE -> 3;
        };
    }

    @Override
    public OFVersion getVersion() {
        return OFVersion.OF_13;
    }

    @Override
    public OFType getType() {
        return OFType.EXPERIMENTER;
    }

    @Override
    public long getXid() {
        return xid;
    }

    @Override
    public void writeTo(ByteBuf b) {
        b.writeByte(OF13);
        b.writeByte(EXPERIMENTER);
        b.writeShort(LENGTH);
        b.writeInt(U32.t(xid));
        b.writeInt(U32.t(ONF_EXPERIMENTER));
        b.writeInt(EXP_TYPE);
        b.writeInt(wireRole(role));
        b.writeByte(reason);
        b.writeZero(3);
        b.writeLong(generationId.getValue());
    }

    @Override
    public void putTo(PrimitiveSink sink) {
        sink.putLong(ONF_EXPERIMENTER).putInt(EXP_TYPE).putInt(wireRole(role)).putInt(reason)
                .putLong(generationId.getValue());
    }

    @Override
    public boolean equalsIgnoreXid(Object o) {
        return o instanceof OnfRoleStatus s && s.role == role && s.reason == reason
                && s.generationId.equals(generationId);
    }

    @Override
    public int hashCodeIgnoreXid() {
        return Objects.hash(role, reason, generationId);
    }

    @Override
    public boolean equals(Object o) {
        return equalsIgnoreXid(o) && ((OnfRoleStatus) o).xid == xid;
    }

    @Override
    public int hashCode() {
        return 31 * hashCodeIgnoreXid() + Long.hashCode(xid);
    }

    @Override
    public Builder createBuilder() {
        return new Builder(this);
    }

    /** As {@code ovs-ofctl ofp-print} prints it (roles by Open vSwitch's names). */
    @Override
    public String toString() {
        String r = switch (role) {
            case ROLE_NOCHANGE -> "nochange";
            case ROLE_EQUAL -> "equal";
            case ROLE_MASTER -> "primary";
            case ROLE_SLAVE -> "secondary";
        };
        return "ONFT_ROLE_STATUS (OF1.3) (xid=0x" + Long.toHexString(xid) + "): role=" + r + " generation_id="
                + Long.toUnsignedString(generationId.getValue()) + " reason=" + reasonName();
    }

    /** Builds an {@link OnfRoleStatus} (e.g. a simulated switch's). */
    public static final class Builder implements OFMessage.Builder {
        private long xid;
        private OFControllerRole role = OFControllerRole.ROLE_SLAVE;
        private int reason = REASON_MASTER_REQUEST;
        private U64 generationId = U64.ZERO;

        public Builder() {
        }

        private Builder(OnfRoleStatus from) {
            xid = from.xid;
            role = from.role;
            reason = from.reason;
            generationId = from.generationId;
        }

        public Builder setRole(OFControllerRole r) {
            role = r;
            return this;
        }

        public Builder setReason(int r) {
            reason = r;
            return this;
        }

        public Builder setGenerationId(U64 g) {
            generationId = g;
            return this;
        }

        @Override
        public Builder setXid(long x) {
            xid = x;
            return this;
        }

        @Override
        public long getXid() {
            return xid;
        }

        @Override
        public OFVersion getVersion() {
            return OFVersion.OF_13;
        }

        @Override
        public OFType getType() {
            return OFType.EXPERIMENTER;
        }

        @Override
        public OnfRoleStatus build() {
            return new OnfRoleStatus(xid, role, reason, generationId);
        }
    }
}
