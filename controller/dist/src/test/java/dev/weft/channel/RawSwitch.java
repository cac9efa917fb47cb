package dev.weft.channel;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * An OpenFlow 1.0 switch made of raw bytes over a blocking socket, as cbench's fake switch is:
 * HELLO, a FEATURES_REPLY with cbench's port list, answers to ECHO, BARRIER and GET_CONFIG. Tests
 * use it to send exactly the bytes a real peer sends, whatever Loxi thinks of them.
 */
final class RawSwitch implements AutoCloseable {
    /**
     * cbench's PACKET_IN (oflops {@code cbench/fakeswitch.c}, {@code make_packet_in}): OpenFlow 1.0,
     * 82 bytes, buffer id, total_len 64, in_port 1, reason NO_MATCH, then a 64-byte Ethernet frame
     * 80:00:00:00:00:01 ← 00:00:00:00:00:02 carrying IPv4 192.168.0.40 → 192.168.1.40 with IP
     * protocol 255. cbench patches the xid, the buffer id, bytes 1-4 of the source MAC (a counter)
     * and the last byte of both MACs (the switch number); see {@link #cbenchPacketIn}.
     */
    static final byte[] CBENCH_PACKET_IN = HexFormat.of().parseHex(
            "010a005200000000000001010040000100008000000000010000000000020800"
                    + "450000320000000040fff72cc0a80028c0a801287a18586b110897f519e2657e"
                    + "07cc31c311c7c40c8b955151335451d50036");
    /** cbench's FEATURES_REPLY (version, xid and datapath id patched): four ports 1-4, veth1..veth7. */
    private static final byte[] CBENCH_FEATURES = HexFormat.of().parseHex(
            "010600e004010000000076a9d40d2548000001000200000000000000000007ff"
                    + "00011ac151ffef8a766574683100000000000000000000000000000000000000"
                    + "000000c00000000000000000000000000002ce2fa287f6707665746833000000"
                    + "00000000000000000000000000000000000000c0000000000000000000000000"
                    + "0003ca8a1ef377ef766574683500000000000000000000000000000000000000"
                    + "000000c00000000000000000000000000004fabc778d7e0b7665746837000000"
                    + "00000000000000000000000000000000000000c0000000000000000000000000");

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final long dpid;
    private int xid = 1;

    RawSwitch(InetSocketAddress controller, long dpid) throws IOException {
        this.socket = new Socket();
        socket.connect(controller, 5_000);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.dpid = dpid;
    }

    /** A message from the controller: its header fields and whole bytes. */
    record Msg(int version, int type, int length, int xid, byte[] bytes) {
    }

    /** HELLO, then answer until the controller's handshake barrier is answered. */
    RawSwitch handshake() throws IOException {
        send(header(0, 8, xid++));
        while (true) {
            Msg m = read();
            if (answer(m) && m.type() == 18) { // BARRIER_REQUEST: the handshake's last step
                return this;
            }
        }
    }

    /** Answer what a switch must answer; true if {@code m} was such a request. */
    boolean answer(Msg m) throws IOException {
        switch (m.type()) {
            case 5 -> { // FEATURES_REQUEST
                ByteBuffer b = ByteBuffer.allocate(CBENCH_FEATURES.length);
                b.put(CBENCH_FEATURES);
                b.put(0, (byte) 1).put(1, (byte) 6).putInt(4, m.xid()).putLong(8, dpid);
                send(b.array());
            }
            case 2 -> { // ECHO_REQUEST
                byte[] r = m.bytes().clone();
                r[1] = 3;
                send(r);
            }
            case 18 -> send(header(19, 8, m.xid()));
            case 7 -> { // GET_CONFIG_REQUEST
                ByteBuffer b = ByteBuffer.allocate(12);
                b.put(header(8, 12, m.xid())).putShort((short) 0).putShort((short) 0xffff);
                send(b.array());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** cbench's PACKET_IN as its fake switch sends it: patched xid, buffer id, MAC counter and switch number. */
    static byte[] cbenchPacketIn(int xid, int bufferId, int macCounter, int switchNumber) {
        ByteBuffer b = ByteBuffer.wrap(CBENCH_PACKET_IN.clone());
        b.putInt(4, xid).putInt(8, bufferId);
        // cbench copies its int counter in host (little-endian) order into source MAC bytes 1-4.
        b.put(18 + 6 + 1, (byte) macCounter).put(18 + 6 + 2, (byte) (macCounter >>> 8))
                .put(18 + 6 + 3, (byte) (macCounter >>> 16)).put(18 + 6 + 4, (byte) (macCounter >>> 24));
        b.put(18 + 5, (byte) switchNumber).put(18 + 6 + 5, (byte) switchNumber);
        return b.array();
    }

    static byte[] header(int type, int length, int xid) {
        return ByteBuffer.allocate(8).put((byte) 1).put((byte) type).putShort((short) length).putInt(xid).array();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    int nextXid() {
        return xid++;
    }

    Msg read() throws IOException {
        byte[] h = new byte[8];
        in.readFully(h);
        ByteBuffer hb = ByteBuffer.wrap(h);
        int length = hb.getShort(2) & 0xffff;
        byte[] all = new byte[Math.max(8, length)];
        System.arraycopy(h, 0, all, 0, 8);
        in.readFully(all, 8, all.length - 8);
        return new Msg(h[0] & 0xff, h[1] & 0xff, length, hb.getInt(4), all);
    }

    /** The next message of {@code type}, answering requests on the way; empty if none within {@code ms}. */
    java.util.Optional<Msg> await(int type, long ms) throws IOException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            Msg m;
            try {
                m = read();
            } catch (SocketTimeoutException e) {
                return java.util.Optional.empty();
            }
            if (m.type() == type) {
                return java.util.Optional.of(m);
            }
            answer(m);
        }
        return java.util.Optional.empty();
    }

    /** An ECHO round trip: proves the controller still serves this connection. */
    boolean echoes() throws IOException {
        int x = nextXid();
        send(header(2, 8, x));
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                var m = await(3, 5_000);
                if (m.isPresent() && m.get().xid() == x) {
                    return true;
                }
            }
            return false;
        } catch (EOFException e) {
            return false;
        }
    }

    boolean closedByPeer(long ms) throws IOException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                answer(read());
            }
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
