package dev.weft.sim.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The switches of one run, connected and past their handshake, and the timing of test windows
 * over them. Owns the event loops and the channels; {@link #close()} releases both.
 */
final class BenchSession implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 3000; // as cbench
    private static final Duration CLOSE_WINDOW_TIMEOUT = Duration.ofSeconds(10);
    private static final long SHUTDOWN_TIMEOUT_MS = 5000;

    private final BenchConfig config;
    private final LongSupplier nanoClock;
    private final IoTransport transport;
    /** Whether {@link #close()} shuts the transport's threads down (not when another session shares them). */
    private final boolean ownsTransport;
    private final List<BenchSwitch> switches = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    /** Completed exceptionally by the first switch that fails; never completed normally. */
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private long connectedNanos;
    private long upNanos;

    private BenchSession(BenchConfig config, LongSupplier nanoClock, IoTransport transport, boolean ownsTransport) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
    }

    /** Connects every switch (pausing between connections) and waits for every handshake. */
    static BenchSession open(BenchConfig config, LongSupplier nanoClock) {
        return open(config, nanoClock, IoTransport.create(config.effectiveIoThreads()), true);
    }

    /**
     * The same on {@code transport}'s I/O threads, which the caller owns and shuts down (two sessions,
     * one per controller, share them in a paired run).
     */
    static BenchSession open(BenchConfig config, LongSupplier nanoClock, IoTransport transport) {
        return open(config, nanoClock, transport, false);
    }

    private static BenchSession open(BenchConfig config, LongSupplier nanoClock, IoTransport transport,
                                     boolean ownsTransport) {
        BenchSession session = new BenchSession(config, nanoClock, transport, ownsTransport);
        try {
            long start = nanoClock.getAsLong();
            session.connectAll();
            session.connectedNanos = nanoClock.getAsLong() - start;
            session.awaitHandshakes();
            session.upNanos = nanoClock.getAsLong() - start;
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** From the first connection attempt to the last switch connected. */
    long connectedNanos() {
        return connectedNanos;
    }

    /** From the first connection attempt to the last switch past its handshake (FEATURES_REPLY sent). */
    long upNanos() {
        return upNanos;
    }

    /**
     * Runs one test window of {@code msPerTest} over all switches. The windows of the switches on
     * one I/O thread open in one task and close in one task ({@link BenchSwitch#openWindows}).
     */
    TestResult runTest(int index) {
        Map<EventExecutor, List<BenchSwitch>> byLoop = new LinkedHashMap<>();
        for (BenchSwitch sw : switches) {
            byLoop.computeIfAbsent(sw.executor(), e -> new ArrayList<>()).add(sw);
        }
        byLoop.forEach((loop, group) -> loop.execute(() -> BenchSwitch.openWindows(group)));
        sleepWatchingFailures(Duration.ofMillis(config.msPerTest()));
        List<CompletableFuture<List<BenchSwitch.WindowCount>>> closing = new ArrayList<>();
        byLoop.forEach((loop, group) -> closing.add(CompletableFuture.supplyAsync(
                () -> BenchSwitch.closeWindows(group), loop)));
        await(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)), CLOSE_WINDOW_TIMEOUT,
                () -> "the switches did not stop within " + CLOSE_WINDOW_TIMEOUT.toSeconds() + " s");
        Map<BenchSwitch, BenchSwitch.WindowCount> counts = new IdentityHashMap<>();
        int g = 0;
        for (List<BenchSwitch> group : byLoop.values()) {
            List<BenchSwitch.WindowCount> groupCounts = closing.get(g++).join();
            for (int i = 0; i < group.size(); i++) {
                counts.put(group.get(i), groupCounts.get(i));
            }
        }
        List<Long> responses = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        long firstOpen = Long.MAX_VALUE;
        long lastOpen = Long.MIN_VALUE;
        long lastClose = Long.MIN_VALUE;
        for (BenchSwitch sw : switches) {
            BenchSwitch.WindowCount count = counts.get(sw);
            responses.add(count.responses());
            sent.add(count.packetInsSent());
            firstOpen = Math.min(firstOpen, count.openedAtNanos());
            lastOpen = Math.max(lastOpen, count.openedAtNanos());
            lastClose = Math.max(lastClose, count.closedAtNanos());
        }
        return new TestResult(index, config.isCounted(index), responses, sent, Math.max(1, lastClose - firstOpen),
                lastOpen - firstOpen);
    }

    /**
     * Probes sent and not answered yet, over all switches (latency mode: at most one each). After a
     * window has closed and its last answers came in, 0: the switches send nothing until the next
     * window opens.
     */
    long unansweredProbes() {
        Map<EventExecutor, List<BenchSwitch>> byLoop = new LinkedHashMap<>();
        for (BenchSwitch sw : switches) {
            byLoop.computeIfAbsent(sw.executor(), e -> new ArrayList<>()).add(sw);
        }
        List<CompletableFuture<Long>> counts = new ArrayList<>();
        byLoop.forEach((loop, group) -> counts.add(CompletableFuture.supplyAsync(
                () -> group.stream().mapToLong(BenchSwitch::unanswered).sum(), loop)));
        await(CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)), CLOSE_WINDOW_TIMEOUT,
                () -> "the switches did not report within " + CLOSE_WINDOW_TIMEOUT.toSeconds() + " s");
        return counts.stream().mapToLong(CompletableFuture::join).sum();
    }

    /** Waits, while still failing fast if a switch is lost. */
    void pause(Duration duration) {
        sleepWatchingFailures(duration);
    }

    private void connectAll() {
        OFFactory factory = OFFactories.getFactory(config.version());
        Bootstrap bootstrap = new Bootstrap()
                .group(transport.group())
                .channel(transport.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        BenchSwitch.THROUGHPUT_QUEUE_BYTES / 2, BenchSwitch.THROUGHPUT_QUEUE_BYTES));
        for (int i = 0; i < config.switches(); i++) {
            if (i > 0 && config.connectDelayMs() > 0) {
                sleepWatchingFailures(Duration.ofMillis(config.connectDelayMs()));
            }
            BenchSwitch sw = new BenchSwitch(i + 1, DatapathId.of(config.dpidOffset() + i), factory,
                    config.mode(), config.macsPerSwitch(), config.learnDestinationMacs(),
                    config.probeFrame(), config.maxUnanswered(), nanoClock, this::fail);
            ChannelFuture connect = bootstrap.clone().handler(sw).connect(config.host(), config.port());
            connect.awaitUninterruptibly();
            if (!connect.isSuccess()) {
                throw new BenchException(connectFailure(i + 1, connect.cause()), connect.cause());
            }
            switches.add(sw);
            channels.add(connect.channel());
        }
    }

    private String connectFailure(int number, Throwable cause) {
        String where = "the controller at " + config.host() + ":" + config.port();
        if (cause instanceof UnknownHostException) {
            return "cannot resolve controller host '" + config.host() + "'";
        }
        String reason = cause instanceof ConnectException && cause.getMessage() != null
                ? cause.getMessage().toLowerCase(Locale.ROOT).replaceFirst(":.*", "")
                : String.valueOf(cause);
        if (number == 1) {
            return "cannot connect to " + where + ": " + reason + " (is it running?)";
        }
        return "switch " + number + " cannot connect to " + where + " (" + (number - 1)
                + " switches connected before): " + reason;
    }

    private void awaitHandshakes() {
        List<CompletableFuture<Void>> handshakes = switches.stream().map(BenchSwitch::handshake).toList();
        Duration timeout = config.handshakeTimeout();
        await(CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)), timeout,
                () -> handshakeTimeoutMessage(timeout));
    }

    /**
     * Waits for {@code future}; throws the first switch failure if one comes first, or a
     * timeout message.
     */
    private void await(CompletableFuture<?> future, Duration timeout, Supplier<String> timeoutMessage) {
        try {
            CompletableFuture.anyOf(future, failure).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            future.get();
        } catch (TimeoutException e) {
            throw new BenchException(timeoutMessage.get());
        } catch (ExecutionException e) {
            throw asBenchException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private String handshakeTimeoutMessage(Duration timeout) {
        long pending = switches.stream().filter(sw -> !sw.handshake().isDone()).count();
        return pending + " of " + switches.size() + " switches got no FEATURES_REQUEST from the controller within "
                + timeout.toMillis() + " ms";
    }

    private void sleepWatchingFailures(Duration duration) {
        try {
            failure.get(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return; // the normal case: nothing failed
        } catch (ExecutionException e) {
            throw asBenchException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private void fail(BenchException cause) {
        failure.completeExceptionally(cause);
    }

    private static BenchException asBenchException(Throwable cause) {
        return cause instanceof BenchException ? (BenchException) cause : new BenchException(String.valueOf(cause), cause);
    }

    @Override
    public void close() {
        for (BenchSwitch sw : switches) {
            sw.markClosing();
        }
        for (Channel channel : channels) {
            channel.close();
        }
        for (Channel channel : channels) {
            channel.closeFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        }
        if (ownsTransport) {
            transport.shutdown();
        }
    }
}
