package dev.weft.core.openflow;

import dev.weft.api.SwitchDisconnectedException;
import dev.weft.api.SwitchErrorException;
import dev.weft.core.dispatch.Lane;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The requests a {@link SwitchConnection} waits on, by xid (lane only). A reply completes its
 * request; multipart parts are gathered until the last one; an ERROR fails it with a
 * {@link SwitchErrorException}; so do its timeout and the end of the connection.
 */
final class PendingRequests {
    /**
     * The most parts one multipart reply may have. Open vSwitch fills parts up to 64 KB, so this
     * reads flow tables of about a million entries; a reply with more is abandoned.
     */
    static final int MAX_MULTIPART_PARTS = 4_096;

    private final DatapathId id;
    private final Lane lane;
    private final Supplier<PeerFaults> faults;
    private final Map<Long, Pending<?>> pending = new HashMap<>();

    private static final class Pending<R> {
        final CompletableFuture<R> future;
        final OFMessage request;
        final List<OFStatsReply> parts;
        ScheduledFuture<?> timeout;

        Pending(CompletableFuture<R> future, OFMessage request, boolean multipart) {
            this.future = future;
            this.request = request;
            this.parts = multipart ? new ArrayList<>() : null;
        }
    }

    PendingRequests(DatapathId id, Lane lane, Supplier<PeerFaults> faults) {
        this.id = id;
        this.lane = lane;
        this.faults = faults;
    }

    /** {@code request} went out with {@code xid}; {@code future} gets its reply (a list if multipart). */
    <R> void add(long xid, CompletableFuture<R> future, OFMessage request, boolean multipart, Duration timeout) {
        Pending<R> p = new Pending<>(future, request, multipart);
        pending.put(xid, p);
        p.timeout = lane.schedule(() -> {
            if (pending.remove(xid, p)) {
                p.future.completeExceptionally(new TimeoutException(id + " did not answer " + p.request.getType()
                        + " xid " + xid + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A message from the switch: if it answers a pending request, takes it and returns that
     * request (the caller reports an ERROR against it); otherwise null.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    OFMessage complete(OFMessage m) {
        if (pending.isEmpty()) {
            return null;
        }
        long xid = m.getXid();
        Pending p = pending.get(xid);
        if (p == null) {
            return null;
        }
        if (m instanceof OFErrorMsg e) {
            done(xid, p);
            p.future.completeExceptionally(new SwitchErrorException(id, e, p.request));
            return p.request;
        }
        if (p.parts != null) {
            if (!(m instanceof OFStatsReply sr)) {
                return null;
            }
            if (p.parts.size() >= MAX_MULTIPART_PARTS) {
                // A reply that never ends must not take all our memory: fail the request; later
                // parts with this xid are unsolicited and ignored.
                done(xid, p);
                faults.get().record(PeerFault.MULTIPART_TOO_LARGE, p.request.getType() + " xid " + xid
                        + ": more than " + MAX_MULTIPART_PARTS + " parts");
                p.future.completeExceptionally(new IllegalStateException(id + " answered " + p.request.getType()
                        + " xid " + xid + " with more than " + MAX_MULTIPART_PARTS + " parts; request abandoned"));
                return p.request;
            }
            p.parts.add(sr);
            if (!sr.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                done(xid, p);
                p.future.complete(List.copyOf(p.parts));
            }
            return p.request;
        }
        done(xid, p);
        p.future.complete(m);
        return p.request;
    }

    private void done(long xid, Pending<?> p) {
        pending.remove(xid);
        p.timeout.cancel(false);
    }

    /** The connection is gone: every request fails with {@link SwitchDisconnectedException}. */
    void failAll() {
        for (Pending<?> p : pending.values()) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            p.future.completeExceptionally(new SwitchDisconnectedException(id));
        }
        pending.clear();
    }
}
