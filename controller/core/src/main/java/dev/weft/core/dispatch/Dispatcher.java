package dev.weft.core.dispatch;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch threads. A switch is given the least loaded lane when it first connects, and
 * keeps that lane for as long as the controller runs, so that a reconnection (or a second
 * connection that takes over the same datapath id) is ordered after everything of the first.
 *
 * <p>Besides the switch lanes there is one <em>control</em> lane ({@code weft-control}) for
 * events about the network as a whole (links, hosts): they are handled there one at a time, in
 * order, never on a switch's lane.
 */
public final class Dispatcher implements AutoCloseable {
    private final DefaultEventLoopGroup group;
    private final Lane[] lanes;
    private final Map<DatapathId, Lane> byDatapath = new ConcurrentHashMap<>();
    private final DefaultEventLoop controlLoop = new DefaultEventLoop(new DefaultThreadFactory("weft-control", false));
    private final Lane control = new Lane(-1, controlLoop);

    public Dispatcher(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("dispatch threads must be at least 1, was " + threads);
        }
        group = new DefaultEventLoopGroup(threads, new DefaultThreadFactory("weft-dispatch", false));
        lanes = new Lane[threads];
        int i = 0;
        for (var executor : group) {
            lanes[i] = new Lane(i, (io.netty.channel.EventLoop) executor);
            i++;
        }
    }

    public int size() {
        return lanes.length;
    }

    /** The lane for network-wide events (links, hosts), separate from every switch's lane. */
    public Lane control() {
        return control;
    }

    public Lane lane(int index) {
        return lanes[index];
    }

    /** The lane of a datapath: sticky once chosen, least loaded when new. */
    public Lane laneFor(DatapathId dpid) {
        return byDatapath.computeIfAbsent(dpid, d -> {
            Lane best = lanes[0];
            for (Lane l : lanes) {
                if (l.switches() < best.switches()) {
                    best = l;
                }
            }
            best.adjustSwitches(1);
            return best;
        });
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        controlLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
