package dev.weft.core.openflow;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * How much of a switch's input one turn of its event loop reads: one read of {@link #BUDGET}
 * bytes, or of what completes the message in progress when that is larger (up to the 64 KB an
 * OpenFlow message can have). Every switch with input waiting gets one such read per turn, in
 * turn (Netty queues the reads of switches with more input behind everyone else's), so a switch
 * flooding packet-ins takes about a dozen of them per turn while another's handshake, barrier reply
 * or multipart part waits at most one turn.
 *
 * <p>Why so small: a turn over N busy switches lasts N budgets of work. With 4 KB (about 50
 * cbench packet-ins) and a thousand switches on a loaded machine that was seconds, so in a
 * one-second interval many switches got nothing; 1 KB is about 12 packet-ins, and a read system
 * call per dozen packet-ins costs little next to handling them. A large message still arrives in
 * one read, so a flow-stats reply does not take a turn per kilobyte.
 *
 * <p>One allocator per plain-TCP channel (it reads its decoder's state); TLS channels read whole
 * records and keep {@link OpenFlowServer}'s adaptive 4 KB budget.
 */
final class FairReads extends DefaultMaxMessagesRecvByteBufAllocator {
    /** Bytes one turn reads from a switch unless its next message needs more. */
    static final int BUDGET = 1024;
    private static final int MAX_MESSAGE = 65_535;

    private final OFMessageDecoder decoder;

    FairReads(OFMessageDecoder decoder) {
        super(1); // one read per turn
        this.decoder = decoder;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public int guess() {
                return Math.max(BUDGET, Math.min(MAX_MESSAGE, decoder.bytesToCompleteMessage()));
            }
        };
    }
}
