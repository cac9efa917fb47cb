package dev.weft.sim.bench;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** The two Ethernet frames the bench puts into packet-ins, 64 bytes each like cbench's. */
final class EthernetFrames {

    static final int FRAME_LENGTH = 64;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final IPv4Address PROBE_SOURCE_IP = IPv4Address.of(192, 168, 0, 40);
    private static final IPv4Address PROBE_DESTINATION_IP = IPv4Address.of(192, 168, 1, 40);
    private static final int PROBE_SOURCE_PORT = 1024;
    private static final int PROBE_DESTINATION_PORT = 2048;

    private EthernetFrames() {
    }

    /** A unicast IPv4/UDP frame from {@code source} to {@code destination}. */
    static byte[] probe(MacAddress destination, MacAddress source) {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_LENGTH);
        frame.put(destination.getBytes()).put(source.getBytes()).putShort((short) ETHERTYPE_IPV4);
        int ipStart = frame.position();
        int ipLength = FRAME_LENGTH - OfWire.ETHERNET_HEADER_LENGTH;
        frame.put((byte) 0x45).put((byte) 0)
                .putShort((short) ipLength)
                .putShort((short) 0).putShort((short) 0)       // id, flags/fragment
                .put((byte) 64).put((byte) 17)                 // ttl, protocol UDP
                .putShort((short) 0)                           // checksum, filled below
                .putInt(PROBE_SOURCE_IP.getInt())
                .putInt(PROBE_DESTINATION_IP.getInt());
        frame.putShort(ipStart + 10, (short) ipv4Checksum(frame.array(), ipStart));
        frame.putShort((short) PROBE_SOURCE_PORT).putShort((short) PROBE_DESTINATION_PORT)
                .putShort((short) (ipLength - IPV4_HEADER_LENGTH))
                .putShort((short) 0);                          // no UDP checksum
        // The rest of the payload stays zero.
        assert frame.position() == ipStart + IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH;
        return frame.array();
    }

    /** A broadcast gratuitous ARP reply announcing {@code mac} at {@code ip}, padded to 64 bytes. */
    static byte[] gratuitousArp(MacAddress mac, IPv4Address ip) {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_LENGTH);
        frame.put(MacAddress.BROADCAST.getBytes()).put(mac.getBytes()).putShort((short) ETHERTYPE_ARP);
        frame.putShort((short) 1)                    // hardware type Ethernet
                .putShort((short) ETHERTYPE_IPV4)    // protocol type
                .put((byte) 6).put((byte) 4)         // address lengths
                .putShort((short) 2)                 // reply
                .put(mac.getBytes()).putInt(ip.getInt())
                .put(mac.getBytes()).putInt(ip.getInt());
        return frame.array();
    }

    private static int ipv4Checksum(byte[] bytes, int start) {
        int sum = 0;
        for (int i = start; i < start + IPV4_HEADER_LENGTH; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
