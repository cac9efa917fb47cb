package dev.weft.apps.fabric;

import dev.weft.api.topology.Link;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the time of one reroute went: a fabric pass that followed lost links, from the first
 * port-down PORT_STATUS the fabric saw to the last barrier reply of the switches it reprogrammed.
 * Times are {@link System#nanoTime()} readings of this process.
 *
 * @param pass          the fabric pass
 * @param lost          the directed links the topology removed before the pass
 * @param portDown      a PORT_STATUS saying a fabric port went down reached the fabric app (on
 *                      the switch's lane) or the topology removed the link, whichever came first
 *                      ({@code linkRemoved} when no port went down: a probe timeout)
 * @param linkRemoved   the topology removed the first of the links (control lane)
 * @param passStart     the pass began
 * @param declared      the pass had declared its entries (trees, tags, entries computed)
 * @param sent          the flow-mods were handed to the switches
 * @param confirmed     the last barrier reply arrived
 * @param incremental   only the segments on the lost links were recomputed
 * @param recomputed    how many segments were recomputed
 * @param segments      how many segments the fabric carries
 * @param flowMods      flow-mods sent per switch
 * @param failed        switches whose barrier failed
 */
public record Reroute(long pass, List<Link> lost, long portDown, long linkRemoved, long passStart, long declared,
                      long sent, long confirmed, boolean incremental, int recomputed, int segments,
                      Map<DatapathId, Integer> flowMods, Set<DatapathId> failed) {
    public Reroute {
        lost = List.copyOf(lost);
        flowMods = Map.copyOf(flowMods);
        failed = Set.copyOf(failed);
    }

    public int totalFlowMods() {
        return flowMods.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    /** The steps in milliseconds, each from the first port-down. */
    public String steps() {
        return String.format(java.util.Locale.ROOT, "link removed from the topology %.1f ms, pass started %.1f ms, "
                        + "entries declared %.1f ms, flow-mods sent %.1f ms, last barrier reply %.1f ms",
                ms(portDown, linkRemoved), ms(portDown, passStart), ms(portDown, declared), ms(portDown, sent),
                ms(portDown, confirmed));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "reroute (pass %d) after %s went down: %d of %d segments "
                        + "recomputed (%s), %d flow-mods to %d switches%s; from the first port-down: %s",
                pass, lost.isEmpty() ? "?" : LinkTags.cable(lost.get(0)), recomputed, segments,
                incremental ? "only those on the lost links" : "all", totalFlowMods(), flowMods.size(),
                failed.isEmpty() ? "" : " (barrier failed on " + failed + ")", steps());
    }
}
