package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

import java.util.Objects;

/**
 * {@code resubmit(port,table)} (NXAST_RESUBMIT_TABLE; NXAST_RESUBMIT when the table is
 * {@link TableId#ALL}, "this table"): looks the packet up again in {@code table} as if it had
 * come in on {@code inPort} ({@link OFPort#IN_PORT}: its real input port), runs what matches
 * (and the tables it goes to), then carries on with the next action. This is how one action list
 * sends a copy of a packet through a later stage per destination.
 *
 * <p>Wire format (nx_action_resubmit, 16 bytes): in_port(2, an OpenFlow 1.0 port number:
 * reserved ports are 0xff00 and up) table(1) pad(3).
 */
public record NxResubmit(OFPort inPort, TableId table) implements NiciraAction {
    public static final int SUBTYPE = 14;
    static final int SUBTYPE_NO_TABLE = 1;
    static final int LENGTH = 16;

    public NxResubmit {
        Objects.requireNonNull(inPort, "inPort");
        Objects.requireNonNull(table, "table");
        int p = inPort.getPortNumber();
        if (Integer.compareUnsigned(p, 0xff00) >= 0 && Integer.compareUnsigned(p, 0xffffff00) < 0) {
            throw new IllegalArgumentException("resubmit: port " + inPort + " has no OpenFlow 1.0 number");
        }
    }

    /** {@code resubmit(,table)}: the packet's own input port. */
    public static NxResubmit table(TableId table) {
        return new NxResubmit(OFPort.IN_PORT, table);
    }

    @Override
    public int subtype() {
        return table.equals(TableId.ALL) ? SUBTYPE_NO_TABLE : SUBTYPE;
    }

    @Override
    public void writeTo(ByteBuf b) {
        int start = Wire.begin(b, subtype());
        b.writeShort(inPort.getPortNumber() & 0xffff);
        b.writeByte(table.getValue());
        b.writeZero(3);
        Wire.end(b, start);
    }

    static NxResubmit read(ByteBuf b) throws OFParseError {
        int start = b.readerIndex();
        int len = Wire.length(b, "resubmit", LENGTH);
        int subtype = b.getUnsignedShort(start + 8);
        int port = b.getUnsignedShort(start + 10);
        int table = b.getUnsignedByte(start + 12);
        b.skipBytes(len);
        if (subtype == SUBTYPE_NO_TABLE && table != 0) {
            // OVS ignores the table of NXAST_RESUBMIT; it writes zero there
            table = 0;
        }
        OFPort in = port >= 0xff00 ? OFPort.ofShort((short) port) : OFPort.of(port);
        return new NxResubmit(in, subtype == SUBTYPE_NO_TABLE ? TableId.ALL : TableId.of(table));
    }

    /** As {@code ovs-ofctl} prints it. */
    @Override
    public String toString() {
        String port = inPort.equals(OFPort.IN_PORT) ? "" : OvsNames.port(inPort);
        return table.equals(TableId.ALL) ? "resubmit:" + port : "resubmit(" + port + "," + table.getValue() + ")";
    }
}
