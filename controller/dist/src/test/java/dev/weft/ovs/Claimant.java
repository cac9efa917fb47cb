package dev.weft.ovs;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * A client that claims a datapath id, as an attacker (or a misconfigured switch) would: it does
 * the switch's side of the OpenFlow 1.3 handshake, over TCP or TLS, and reports how far it got.
 */
final class Claimant {
  /** How the claim ended: closed by the controller (and after which step), or still open. */
  record Outcome(boolean closed, boolean handshakeDone, String lastStep) {}

  private Claimant() {}

  /**
   * Claims {@code dpid}; returns when the controller closes the connection or {@code hold}
   * after the handshake is done (the claim then counts as accepted).
   */
  static Outcome claim(InetSocketAddress controller, SSLContext tls, DatapathId dpid, Duration hold)
      throws IOException {
    OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    try (Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
      s.connect(controller, 5000);
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      write(out, f.buildHello().build());
      String step = "connected";
      boolean done = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        OFMessage m;
        try {
          m = read(in);
        } catch (SocketTimeoutException e) {
          continue;
        } catch (IOException e) {
          return new Outcome(true, done, step);
        }
        if (m == null) {
          return new Outcome(true, done, step);
        }
        if (m instanceof OFFeaturesRequest r) {
          write(out, f.buildFeaturesReply().setXid(r.getXid()).setDatapathId(dpid).setNBuffers(0)
              .setNTables((short) 254).build());
          step = "features";
        } else if (m instanceof OFPortDescStatsRequest r) {
          write(out, f.buildPortDescStatsReply().setXid(r.getXid()).setEntries(List.of()).build());
          step = "port-desc";
        } else if (m instanceof OFBarrierRequest r) {
          write(out, f.buildBarrierReply().setXid(r.getXid()).build());
          if (!done) {
            done = true;
            step = "barrier";
            deadline = System.nanoTime() + hold.toNanos();
          }
        } else if (m instanceof OFEchoRequest r) {
          write(out, f.buildEchoReply().setXid(r.getXid()).setData(r.getData()).build());
        }
      }
      return new Outcome(false, done, step);
    }
  }

  private static void write(OutputStream out, OFMessage m) throws IOException {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    out.write(bytes);
    out.flush();
  }

  /** One message; null at end of stream. Unknown messages decode to whatever Loxi makes of them. */
  private static OFMessage read(DataInputStream in) throws IOException {
    byte[] head = new byte[8];
    int n = in.read(head, 0, 1);
    if (n < 0) {
      return null;
    }
    in.readFully(head, 1, 7);
    int len = ((head[2] & 0xff) << 8) | (head[3] & 0xff);
    byte[] all = new byte[len];
    System.arraycopy(head, 0, all, 0, 8);
    in.readFully(all, 8, len - 8);
    try {
      return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(all));
    } catch (Exception e) {
      return OFFactories.getFactory(OFVersion.OF_13).buildHello().build(); // ignored by the caller
    }
  }
}
