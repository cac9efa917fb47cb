package dev.weft.it;

import dev.weft.sim.packet.Frames;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** DHCP as a client sends it (RFC 2131 over BOOTP), and what a test reads from an answer. */
final class DhcpFrames {
    static final int DISCOVER = 1;
    static final int OFFER = 2;
    static final int REQUEST = 3;
    static final int ACK = 5;
    static final int NAK = 6;

    private DhcpFrames() {
    }

    /** A broadcast request from 0.0.0.0 (a client without an address), optionally asking for {@code requested}. */
    static byte[] request(MacAddress src, MacAddress chaddr, int type, int xid, IPv4Address requested) {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0)
                .putShort((short) 0x8000);
        b.position(28);
        b.put(chaddr.getBytes());
        b.position(236);
        b.putInt(0x63825363);
        b.put((byte) 53).put((byte) 1).put((byte) type);
        if (requested != null) {
            b.put((byte) 50).put((byte) 4).put(requested.getBytes());
        }
        b.put((byte) 55).put((byte) 5).put(new byte[] {1, 3, 6, 26, 51});
        b.put((byte) 255);
        return Frames.from(src, IPv4Address.NONE).to(MacAddress.BROADCAST, IPv4Address.NO_MASK).udp(68, 67, b.array());
    }

    /** What a DHCP answer in an Ethernet frame says. */
    record Answer(int type, int xid, IPv4Address yiaddr, IPv4Address ipSrc, IPv4Address ipDst, int udpDst,
                  Map<Integer, byte[]> options) {
        IPv4Address option4(int code) {
            return IPv4Address.of(options.get(code));
        }

        int optionInt(int code) {
            byte[] v = options.get(code);
            int n = 0;
            for (byte x : v) {
                n = (n << 8) | (x & 0xff);
            }
            return n;
        }
    }

    static Answer parse(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        int ip = 14;
        int udp = ip + (frame[ip] & 0x0f) * 4;
        int bootp = udp + 8;
        Map<Integer, byte[]> opts = new HashMap<>();
        int i = bootp + 240;
        while (i < frame.length && (frame[i] & 0xff) != 255) {
            int code = frame[i] & 0xff;
            if (code == 0) {
                i++;
                continue;
            }
            int len = frame[i + 1] & 0xff;
            byte[] v = new byte[len];
            System.arraycopy(frame, i + 2, v, 0, len);
            opts.put(code, v);
            i += 2 + len;
        }
        return new Answer(opts.get(53)[0], b.getInt(bootp + 4), IPv4Address.of(b.getInt(bootp + 16)),
                IPv4Address.of(b.getInt(ip + 12)), IPv4Address.of(b.getInt(ip + 16)), b.getShort(udp + 2) & 0xffff,
                opts);
    }
}
