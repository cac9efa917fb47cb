package dev.weft.core.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/** A peer made of a blocking socket: sends any bytes, reads frames (or never reads). */
final class RawPeer implements AutoCloseable {
    final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    RawPeer(InetSocketAddress to) throws IOException {
        socket.connect(to, 5_000);
        socket.setSoTimeout(5_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    void send(OFMessage m) throws IOException {
        send(bytes(m));
    }

    static byte[] bytes(OFMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        return a;
    }

    /** The next whole frame from the controller. */
    byte[] frame() throws IOException {
        byte[] h = new byte[8];
        in.readFully(h);
        int len = ByteBuffer.wrap(h).getShort(2) & 0xffff;
        byte[] all = new byte[Math.max(8, len)];
        System.arraycopy(h, 0, all, 0, 8);
        in.readFully(all, 8, all.length - 8);
        return all;
    }

    OFMessage message() throws IOException {
        byte[] f = frame();
        try {
            return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(f));
        } catch (Exception e) {
            throw new IOException("undecodable frame from the controller", e);
        }
    }

    /** An OpenFlow 1.0 handshake, answered by hand; returns the peer's factory. */
    OFFactory handshake10(long dpid) throws IOException {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        send(f.buildHello().build());
        while (true) {
            OFMessage m = message();
            switch (m.getType()) {
                case FEATURES_REQUEST -> send(f.buildFeaturesReply().setXid(m.getXid())
                        .setDatapathId(DatapathId.of(dpid)).setNTables((short) 1).build());
                case ECHO_REQUEST -> send(f.buildEchoReply().setXid(m.getXid()).build());
                case BARRIER_REQUEST -> {
                    send(f.buildBarrierReply().setXid(m.getXid()).build());
                    return f;
                }
                default -> {
                }
            }
        }
    }

    /** Read and throw away everything the controller sends, on a daemon thread. */
    void drainInBackground() {
        Thread t = new Thread(() -> {
            byte[] sink = new byte[65536];
            try {
                socket.setSoTimeout(0);
                while (socket.getInputStream().read(sink) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // closed
            }
        }, "raw-peer-drain");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
