package dev.weft.core.openflow;

import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How much of a switch's input one turn of its event loop reads: one read of the switch's
 * budget (at most {@link #BUDGET} bytes), or of what completes the message in progress when that
 * is larger (up to the 64 KB an OpenFlow message can have). Every switch with input waiting gets
 * one such read per turn, in turn (level-triggered epoll reports every one of them each turn;
 * with io_uring, TurnReads defers the next receive after a full read to the loop's tasks), so
 * a switch flooding packet-ins takes about a dozen of them per turn while another's handshake,
 * barrier reply or multipart part waits at most one turn.
 *
 * <p>Why small: a turn over N busy switches lasts N budgets of work. With 4 KB (about 50
 * cbench packet-ins) and a thousand switches on a loaded machine that was seconds, so in a
 * one-second interval many switches got nothing; 1 KB is about 12 packet-ins, and a read system
 * call per dozen packet-ins costs little next to handling them. A large message still arrives in
 * one read, so a flow-stats reply does not take a turn per kilobyte.
 *
 * <p>Why adaptive: even 1 KB is too much when handling a packet-in is slow (a cold JVM, a million
 * new source MACs, a machine shared with others): at 1,000 switches and 10,000 packet-ins a second
 * a turn lasted more than a second, and in the bench's first intervals hundreds of switches got
 * nothing while their handshakes waited a turn per step. So each switch measures the turn: the time
 * since its previous read, when that read filled its buffer (input was still waiting, so the loop
 * came back as soon as it had gone round the others). A turn longer than {@link #TARGET_TURN_NANOS}
 * cuts the budget in proportion (down to {@link #MIN_BUDGET}, still always a whole message); turns
 * shorter than half of it double it again, up to {@link #BUDGET}. A new switch starts at the least
 * budget: when a thousand switches connect and at once send a window of packet-ins each (as
 * {@code weft bench} and cbench do), the first turn is then already short, and a few fast turns
 * bring the budget of switches on a quick loop to the full kilobyte (the handshake has its own:
 * {@link #handshakeDone()}). Switches that are not kept
 * busy never fill their buffer and keep their budget; so does everyone when turns are short (16
 * switches, or a warm controller at 1,000: turns of about 60 ms).
 *
 * <p>One allocator per plain-TCP channel (it reads its decoder's state); TLS channels read whole
 * records and keep {@link OpenFlowServer}'s adaptive 4 KB budget.
 */
final class FairReads extends DefaultMaxMessagesRecvByteBufAllocator {
    /** Bytes one turn reads from a switch unless its next message needs more, at most. */
    static final int BUDGET = 1024;
    /**
     * What a switch still in its handshake reads a turn: a HELLO, or a FEATURES_REPLY with four
     * ports (224 bytes), in one read, and little of what a busy switch sends right behind it.
     */
    static final int HANDSHAKE_BUDGET = 256;
    /** The least a busy switch's budget shrinks to (one or two small packet-ins). */
    static final int MIN_BUDGET = 128;
    /** A turn this long gives every busy switch ten reads a second. */
    static final long TARGET_TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_MESSAGE = 65_535;

    private final OFMessageDecoder decoder;
    private final LongSupplier nanoClock;
    /** Until the handshake is done a read is not cut by long turns: each step costs a turn. */
    private boolean handshaking = true;

    FairReads(OFMessageDecoder decoder) {
        this(decoder, System::nanoTime);
    }

    FairReads(OFMessageDecoder decoder, LongSupplier nanoClock) {
        super(1); // one read per turn
        this.decoder = decoder;
        this.nanoClock = nanoClock;
    }

    /**
     * The handshake is over (event loop). Until then every read offers {@link #HANDSHAKE_BUDGET}
     * (or what completes a larger message): a HELLO and a FEATURES_REPLY arrive in one read each,
     * so a switch that connects while others flood is active after as few turns as possible; from
     * now on its budget follows the turns.
     */
    void handshakeDone() {
        handshaking = false;
    }

    @Override
    public Handle newHandle() {
        return new FairHandle();
    }

    /** Per channel, on its event loop. */
    final class FairHandle extends MaxMessageHandle {
        private int budget = MIN_BUDGET;
        private long lastReadNanos;
        /** The previous read filled its buffer: input was still waiting when it ended. */
        private boolean lastFull;

        @Override
        public void reset(ChannelConfig config) {
            super.reset(config);
            long now = nanoClock.getAsLong();
            if (lastFull) {
                adapt(now - lastReadNanos);
            }
            lastReadNanos = now;
            lastFull = false;
        }

        private void adapt(long turnNanos) {
            if (turnNanos > TARGET_TURN_NANOS) {
                budget = (int) Math.max(MIN_BUDGET, budget * TARGET_TURN_NANOS / turnNanos);
            } else if (turnNanos < TARGET_TURN_NANOS / 2 && budget < BUDGET) {
                budget = Math.min(BUDGET, budget * 2);
            }
        }

        @Override
        public void lastBytesRead(int bytes) {
            super.lastBytesRead(bytes);
            lastFull = bytes > 0 && bytes >= attemptedBytesRead();
        }

        @Override
        public int guess() {
            return Math.max(handshaking ? HANDSHAKE_BUDGET : budget, Math.min(MAX_MESSAGE, decoder.bytesToCompleteMessage()));
        }

        /** For tests: this switch's budget now. */
        int budget() {
            return budget;
        }
    }
}
