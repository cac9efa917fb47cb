package dev.weft.api.packet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structure-aware fuzzing of the frame parser (issue 11): valid frames of every kind the parser
 * knows (ARP, IPv4 with any protocol and options, VLAN stacks of any depth) mutated by byte flips
 * and truncations, and plain random bytes. It must never throw, and what it gives must be
 * consistent with the bytes. Fixed seeds; {@code -Pfuzz} runs 100x the inputs.
 */
class EthernetFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong UNPARSED = new AtomicLong();

    @Property(seed = "20261104")
    void randomBytesNeverThrow(@ForAll("anyBytes") byte[] b) {
        check(b);
    }

    @Property(seed = "20261105")
    void mutatedValidFramesNeverThrowAndStayConsistent(@ForAll("mutatedFrames") byte[] b) {
        check(b);
    }

    private static void check(byte[] b) {
        INPUTS.incrementAndGet();
        var parsed = Ethernet.parse(b); // must not throw
        if (b.length < Ethernet.HEADER_LENGTH) {
            assertTrue(parsed.isEmpty());
            return;
        }
        Ethernet e = parsed.orElseThrow();
        assertTrue(e.payloadOffset() >= 14 && e.payloadOffset() <= b.length + 2, "payload offset " + e.payloadOffset());
        e.ipv4().ifPresent(ip -> {
            assertEquals(b[e.payloadOffset() + 9] & 0xff, ip.protocol());
            assertTrue(ip.headerLength() >= 20 && ip.headerLength() <= 60);
        });
        e.unparsed().ifPresent(u -> UNPARSED.incrementAndGet());
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1600);
    }

    @Provide
    Arbitrary<byte[]> mutatedFrames() {
        Arbitrary<byte[]> frames = Arbitraries.oneOf(ipv4Frames(), arpFrames());
        return Combinators.combine(frames, Arbitraries.integers().between(0, 9000),
                Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 3)).as(EthernetFuzzTest::mutate);
    }

    private static byte[] mutate(byte[] f, int at, int flips, int value, int how) {
        byte[] b = f.clone();
        switch (how) {
            case 0 -> { // flip bytes
                for (int i = 0; i < flips && b.length > 0; i++) {
                    b[(at + i * 7) % b.length] = (byte) value;
                }
            }
            case 1 -> b = Arrays.copyOf(b, Math.min(b.length, at % (b.length + 1))); // truncate
            case 2 -> b = Arrays.copyOf(b, b.length + at % 64); // trailing bytes
            default -> { // header fields at their worst: IHL, version, EtherType
                if (b.length > 15) {
                    b[14] = (byte) value;
                    b[12] = (byte) (value & 1) == 0 ? (byte) 0x81 : b[12];
                }
            }
        }
        return b;
    }

    private static Arbitrary<byte[]> ipv4Frames() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 15),
                Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 1500))
                .as((proto, ihl, tags, payload) -> frame(0x0800, tags, ipv4(proto, ihl, payload)));
    }

    private static Arbitrary<byte[]> arpFrames() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 0xffff))
                .as((tags, op) -> {
                    ByteBuffer a = ByteBuffer.allocate(28);
                    a.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort(op.shortValue());
                    return frame(0x0806, tags, a.array());
                });
    }

    private static byte[] ipv4(int proto, int ihl, int payload) {
        int header = Math.max(20, ihl * 4);
        byte[] ip = new byte[header + payload];
        ip[0] = (byte) (0x40 | ihl);
        ip[8] = 64;
        ip[9] = (byte) proto;
        return ip;
    }

    private static byte[] frame(int type, int tags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * tags + payload.length);
        b.put(new byte[]{-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1});
        for (int i = 0; i < tags; i++) {
            b.putShort((short) (i % 2 == 0 ? 0x88a8 : 0x8100)).putShort((short) (i + 1));
        }
        return b.putShort((short) type).put(payload).array();
    }

    @AfterContainer
    static void report() {
        System.out.printf("frame parser fuzz: %d inputs, 0 exceptions, %d with an unparsed part%n", INPUTS.get(),
                UNPARSED.get());
    }
}
