package dev.weft.cluster;

import com.google.common.hash.Hashing;
import org.projectfloodlight.openflow.types.DatapathId;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Who is master of a switch, given the instances connected to it: rendezvous hashing (highest
 * random weight). Every instance computes the same answer from the same member list (read from
 * ZooKeeper, with the generation id of that list), switches spread evenly over instances, and
 * when an instance leaves only its own switches move.
 */
final class Mastership {
    private Mastership() {
    }

    static Optional<String> masterOf(DatapathId dpid, Collection<String> members) {
        String best = null;
        long bestWeight = 0;
        for (String m : members) {
            long w = weight(dpid, m);
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0
                    || (w == bestWeight && m.compareTo(best) < 0)) {
                best = m;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    static long weight(DatapathId dpid, String member) {
        return Hashing.murmur3_128().newHasher().putLong(dpid.getLong())
                .putString(member, StandardCharsets.UTF_8).hash().asLong();
    }
}
