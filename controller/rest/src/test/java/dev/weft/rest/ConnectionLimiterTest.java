package dev.weft.rest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who a connection counts against: an IPv4 address on its own, an IPv6 address with its whole
 * /64 (one host owns a /64 and could otherwise open max-connections-per-client from each of its
 * 2^64 addresses). Over the real handler, with connections from the addresses given.
 */
class ConnectionLimiterTest {
    private static final RestLimits TWO_EACH = new RestLimits(100, 2, Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), 1024, 1);

    private final List<EmbeddedChannel> open = new ArrayList<>();

    /** A connection from {@code address} through {@code limiter}: admitted (true) or refused with a 429 and closed. */
    private boolean connect(ConnectionLimiter limiter, String address) throws UnknownHostException {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(address), 40_000);
        EmbeddedChannel ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        ch.pipeline().addLast(limiter);
        ch.pipeline().fireChannelActive();
        if (ch.pipeline().get(ConnectionLimiter.class) == null && ch.isOpen()) {
            open.add(ch);
            return true;
        }
        ByteBuf answer = ch.readOutbound();
        String text = answer.toString(StandardCharsets.US_ASCII);
        answer.release();
        assertTrue(text.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), text);
        assertTrue(text.contains("\"error\":\"too-many-connections\""), text);
        assertFalse(ch.isOpen(), "a refused connection is closed");
        return false;
    }

    @Test
    void anIpv6ClientIsItsSlash64AndAnIpv4ClientItsAddress() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(TWO_EACH, true);
        assertTrue(connect(limiter, "2001:db8:1:2::a"));
        assertTrue(connect(limiter, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertFalse(connect(limiter, "2001:db8:1:2::b"), "a third address of the same /64 is the same client");
        assertTrue(connect(limiter, "2001:db8:1:3::a"), "the next /64 is another client");
        assertTrue(connect(limiter, "10.0.0.1"));
        assertTrue(connect(limiter, "10.0.0.1"));
        assertFalse(connect(limiter, "10.0.0.1"));
        assertTrue(connect(limiter, "10.0.0.2"), "an IPv4 client is one address");
        assertEquals(6, limiter.open());
        assertEquals(2, limiter.refused());

        open.get(0).close(); // one of the /64's connections goes: it may open another
        assertTrue(connect(limiter, "2001:db8:1:2::c"));
        assertFalse(connect(limiter, "2001:db8:1:2::d"));
    }

    @Test
    void theClientOfAnAddress() throws Exception {
        assertEquals(InetAddress.getByName("2001:db8:1:2::"), ConnectionLimiter.client(
                InetAddress.getByName("2001:db8:1:2:3:4:5:6")));
        assertEquals(InetAddress.getByName("::"), ConnectionLimiter.client(InetAddress.getByName("::1")));
        assertEquals(InetAddress.getByName("192.0.2.7"), ConnectionLimiter.client(InetAddress.getByName("192.0.2.7")));
        // An IPv4-mapped IPv6 address is the IPv4 client it maps.
        assertEquals(InetAddress.getByName("192.0.2.7"), ConnectionLimiter.client(
                InetAddress.getByName("::ffff:192.0.2.7")));
    }
}
