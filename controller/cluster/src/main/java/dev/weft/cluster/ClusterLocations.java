package dev.weft.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.core.Controller;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.openflow.SwitchRole;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Locations decided by one instance put in force on all of them. Only the master of a switch sees
 * its packet-ins, so only it can locate a VM that shows itself there (a gratuitous ARP or RARP of
 * a MAC-bound port, the first frame at the pending place of a live migration). Each such decision
 * is written at once into one ZooKeeper node per logical port, {@code <root>/locations/<port>}, and
 * every other instance, told by a {@link CuratorCache} watch, feeds it to its mobility app
 * ({@link MobilityService#locatedByPeer}), which moves the port with the same flow compilation as a
 * local move.
 *
 * <p>The rule:
 * <ul>
 *   <li><b>Who may say where a port is</b>: the live master of the switch where it is. A record
 *       names its writer and the mastership generation under which it was written; a reader
 *       follows it only when, by its own view of that switch's claimants, the writer is master and
 *       the generation is not older than the writer's current claim. A deposed master's record is
 *       not followed; one whose writer this instance does not know as master yet is held until it
 *       does (then followed) or a newer record replaces it.</li>
 *   <li><b>Which decision is newer</b>: each write is a compare-and-set on the version of the
 *       port's node that its writer had read when it decided (the node's version is the port's
 *       decision sequence). A decision made without knowing a newer one loses; the loser follows
 *       the winner when its record arrives. So the order of decisions is the order of the node's
 *       versions, the same on every instance, and an older report never overrides a newer one.</li>
 *   <li>A port that goes nowhere on the master of the switch it left has its node deleted (by the
 *       same compare-and-set), so nobody later follows a place it has left.</li>
 *   <li><b>Failover</b>: an instance that becomes master of a switch writes again the locations it
 *       has there, under its own name and generation; a record that names one of its switches, by
 *       a writer that is not master there any more, is written again under its name when it has
 *       the port at the same place (never moved by it).</li>
 *   <li>An instance cut off from ZooKeeper keeps its own view (nothing arrives, it writes nothing,
 *       and it is master of nothing) and catches up when its session is back.</li>
 *   <li>What a peer decided is not announced back (no ping-pong): only this instance's own
 *       decisions at the switches it is master of are written.</li>
 * </ul>
 *
 * <p>Threads: ZooKeeper callbacks and cache events are handed to the controller's control lane,
 * where all the state below lives and where the mobility app decides, so what this instance knew
 * when it decided is exactly what it had applied.
 */
final class ClusterLocations {
    private static final Logger log = LoggerFactory.getLogger(ClusterLocations.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE = "/locations";
    static final String CAUSE_PREFIX = "cluster: located by ";

    /**
     * A decision as written in ZooKeeper; {@code at} null: withdrawn (the node is deleted).
     * {@code seenAt}: when its writer put it in force (migrations elsewhere are measured from it).
     */
    record Record(PortLocation at, String by, long generation, String cause, Instant seenAt) {
        byte[] bytes() {
            ObjectNode o = JSON.createObjectNode();
            o.put("dpid", at.dpid().toString());
            o.put("ofport", at.port().getPortNumber());
            o.put("by", by);
            o.put("generation", generation);
            o.put("cause", cause);
            o.put("seen-at", seenAt.toString());
            return o.toString().getBytes(StandardCharsets.UTF_8);
        }

        static Record parse(byte[] data) {
            try {
                JsonNode o = JSON.readTree(data);
                return new Record(new PortLocation(DatapathId.of(o.get("dpid").asText()),
                        OFPort.of(o.get("ofport").asInt())), o.get("by").asText(), o.get("generation").asLong(),
                        o.path("cause").asText(""), Instant.parse(o.get("seen-at").asText()));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** One logical port's node as this instance knows it (control lane). */
    private static final class PortState {
        /** Version of the newest record read or written (-1: no node). */
        int seen = -1;
        /** The newest record read or written. */
        Record last;
        boolean writing;
        /** A later decision of ours, written once the one on its way is done. */
        Record next;
    }

    private final CuratorFramework client;
    private final Controller controller;
    private final String instance;
    private final BooleanSupplier connected;
    private final Function<DatapathId, OptionalLong> generation;
    private final Lane control;
    /** Each switch's claimants and the zxid that created each claim, from the cache of {@code /switches}. */
    private final Map<DatapathId, Map<String, Long>> claims = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private CuratorCache cache;

    // Control lane.
    private final Map<String, PortState> ports = new HashMap<>();
    /** Peers' records this instance cannot tell are authoritative yet, by port. */
    private final Map<String, Record> held = new HashMap<>();
    /** Switches this instance was just made master of, whose locations are to be written again. */
    private final java.util.Set<DatapathId> mastered = new java.util.HashSet<>();
    /** True while a peer's decision is being applied: its events are not ours to write. */
    private boolean applying;

    ClusterLocations(CuratorFramework client, Controller controller, String instance, BooleanSupplier connected,
                     Function<DatapathId, OptionalLong> generation) {
        this.client = client;
        this.controller = controller;
        this.instance = instance;
        this.connected = connected;
        this.generation = generation;
        this.control = controller.controlLane();
    }

    void start() {
        controller.observe(LogicalPortLocated.class, this::located);
        controller.roles().onChange((dpid, role) -> {
            if (role == SwitchRole.MASTER) {
                control.execute(() -> {
                    // Many switches at once (a start, a failover): one pass over the locations for all.
                    if (mastered.isEmpty()) {
                        control.execute(this::republish);
                    }
                    mastered.add(dpid);
                });
            }
        });
        cache = CuratorCache.build(client, NODE);
        cache.listenable().addListener((type, before, after) -> {
            ChildData d = after != null ? after : before;
            String port = portOf(d);
            if (port == null) {
                return;
            }
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                control.execute(() -> deleted(port));
            } else if (after.getData() != null) {
                Record r = Record.parse(after.getData());
                int version = after.getStat().getVersion();
                control.execute(() -> received(port, r, version));
            }
        });
        cache.start();
    }

    /** A node of the {@code /switches} cache changed (any thread): keep the claimants, re-check held records. */
    void switchNode(CuratorCacheListener.Type type, ChildData before, ChildData after) {
        ChildData d = after != null ? after : before;
        String[] parts = d == null ? new String[0] : d.getPath().split("/");
        DatapathId dpid = ClusterExtension.dpidOf(d);
        if (dpid == null || parts.length != 4) {
            return;
        }
        if (type == CuratorCacheListener.Type.NODE_DELETED) {
            claims.computeIfPresent(dpid, (k, m) -> {
                m.remove(parts[3]);
                return m.isEmpty() ? null : m;
            });
        } else {
            claims.computeIfAbsent(dpid, k -> new ConcurrentHashMap<>()).put(parts[3], after.getStat().getCzxid());
        }
        control.execute(() -> recheck(dpid));
    }

    // ---- reading: control lane -------------------------------------------------------------------

    private void received(String port, Record r, int version) {
        PortState st = ports.computeIfAbsent(port, k -> new PortState());
        if (version < st.seen) {
            return; // older than what we wrote or read since
        }
        st.seen = version;
        if (r == null) {
            log.warn("cluster: {}/{} is not a location record; ignored", NODE, key(port));
            return;
        }
        st.last = r;
        held.remove(port);
        if (r.by().equals(instance)) {
            return; // ours
        }
        if (authoritative(r)) {
            apply(port, r, version);
        } else {
            held.put(port, r);
            log.debug("cluster: {} at {} by {} (generation {}): not master there as seen here (yet); held",
                    port, r.at(), r.by(), r.generation());
            // Written by that switch's former master (a write that crossed our own after a failover, or
            // one from before our claim): where we, its master now, have the port too, we sign it again.
            OptionalLong gen = masterGeneration(r.at().dpid());
            if (gen.isPresent() && controller.tenants().location(port).equals(Optional.of(r.at()))) {
                publish(port, new Record(r.at(), instance, gen.getAsLong(), r.cause(), r.seenAt()));
            }
        }
    }

    private void deleted(String port) {
        PortState st = ports.get(port);
        held.remove(port);
        if (st != null) {
            st.seen = -1;
            st.last = null;
            if (!st.writing) {
                ports.remove(port);
            }
        }
    }

    private void recheck(DatapathId dpid) {
        if (held.isEmpty()) {
            return;
        }
        for (var e : List.copyOf(held.entrySet())) {
            Record r = e.getValue();
            if (r.at().dpid().equals(dpid) && authoritative(r)) {
                held.remove(e.getKey());
                PortState st = ports.get(e.getKey());
                apply(e.getKey(), r, st == null ? -1 : st.seen);
            }
        }
    }

    /** Whether the writer is, as this instance sees it now, master of the switch, and wrote during its current claim. */
    private boolean authoritative(Record r) {
        Map<String, Long> c = claims.get(r.at().dpid());
        if (c == null) {
            return false;
        }
        Long since = c.get(r.by());
        return since != null && r.generation() >= since
                && Mastership.masterOf(r.at().dpid(), c.keySet()).map(r.by()::equals).orElse(false);
    }

    private void apply(String port, Record r, int version) {
        MobilityService m = controller.service(MobilityService.class).orElse(null);
        if (m == null) {
            return;
        }
        Instant now = clock.instant();
        applying = true;
        try {
            boolean moved = m.locatedByPeer(port, r.at(), CAUSE_PREFIX + r.by() + " (decision " + (version + 1)
                    + "): " + r.cause(), r.seenAt());
            if (moved) {
                log.info("cluster: logical port {} at {} as {} decided ({} ms after it was seen there)", port, r.at(),
                        r.by(), String.format(Locale.ROOT, "%.1f",
                                Math.max(0, Duration.between(r.seenAt(), now).toNanos()) / 1e6));
            }
        } catch (RuntimeException e) {
            log.warn("cluster: logical port {} at {} as {} decided: not applied: {}", port, r.at(), r.by(),
                    e.toString());
        } finally {
            applying = false;
        }
    }

    // ---- writing: control lane -------------------------------------------------------------------

    /** A location changed here (control lane): ours to write when we decided it and are master there. */
    private void located(LogicalPortLocated e) {
        if (applying || e.port().binding() instanceof Binding.Static
                || controller.service(MobilityService.class).isEmpty()) {
            return;
        }
        String port = e.port().name();
        if (e.location().isPresent()) {
            PortLocation at = e.location().get();
            OptionalLong gen = masterGeneration(at.dpid());
            if (gen.isPresent()) {
                publish(port, new Record(at, instance, gen.getAsLong(), e.cause(), clock.instant()));
            }
        } else if (e.previous().isPresent() && masterGeneration(e.previous().get().dpid()).isPresent()) {
            publish(port, new Record(null, instance, 0, e.cause(), clock.instant()));
        }
    }

    /** This instance's mastership generation of the switch, when it is master of it. */
    private OptionalLong masterGeneration(DatapathId dpid) {
        if (controller.roles().role(dpid).orElse(SwitchRole.SLAVE) != SwitchRole.MASTER) {
            return OptionalLong.empty();
        }
        return generation.apply(dpid);
    }

    /** Made master of switches: write again, under our name, where the ports there are. */
    private void republish() {
        Map<DatapathId, Long> gens = new HashMap<>();
        for (DatapathId dpid : mastered) {
            masterGeneration(dpid).ifPresent(g -> gens.put(dpid, g));
        }
        mastered.clear();
        if (gens.isEmpty() || controller.service(MobilityService.class).isEmpty()) {
            return;
        }
        controller.tenants().locations().forEach((port, at) -> {
            Long gen = gens.get(at.dpid());
            if (gen == null) {
                return;
            }
            boolean movable = controller.tenants().config().port(port)
                    .map(p -> !(p.binding() instanceof Binding.Static)).orElse(false);
            PortState st = ports.get(port);
            Record last = st == null ? null : st.last;
            if (movable && (last == null || !at.equals(last.at()) || !instance.equals(last.by())
                    || last.generation() < gen)) {
                publish(port, new Record(at, instance, gen, "master of " + at.dpid() + " now", clock.instant()));
            }
        });
    }

    private void publish(String port, Record r) {
        PortState st = ports.computeIfAbsent(port, k -> new PortState());
        if (st.writing) {
            st.next = r;
            return;
        }
        write(port, st, r);
    }

    private void write(String port, PortState st, Record r) {
        if (!connected.getAsBoolean()) {
            log.debug("cluster: {} at {}: not written (no ZooKeeper session)", port, r.at());
            return;
        }
        int base = st.seen;
        String path = NODE + "/" + key(port);
        try {
            if (r.at() == null) {
                if (base < 0) {
                    return;
                }
                st.writing = true;
                client.delete().withVersion(base).inBackground((cl, ev) -> done(port, st, r, ev)).forPath(path);
            } else if (base < 0) {
                st.writing = true;
                client.create().creatingParentsIfNeeded().inBackground((cl, ev) -> done(port, st, r, ev))
                        .forPath(path, r.bytes());
            } else {
                st.writing = true;
                client.setData().withVersion(base).inBackground((cl, ev) -> done(port, st, r, ev))
                        .forPath(path, r.bytes());
            }
        } catch (Exception e) {
            st.writing = false;
            log.warn("cluster: {} at {}: cannot write: {}", port, r.at(), e.toString());
        }
    }

    /** ZooKeeper answered a write (its event thread): on to the control lane. */
    private void done(String port, PortState st, Record r, CuratorEvent ev) {
        int code = ev.getResultCode();
        int version = ev.getStat() != null ? ev.getStat().getVersion() : 0;
        control.execute(() -> {
            st.writing = false;
            Record next = st.next;
            st.next = null;
            if (code == KeeperException.Code.OK.intValue()) {
                if (r.at() != null) {
                    st.seen = Math.max(st.seen, version);
                    st.last = r;
                } // a deletion: the cache's event resets what is seen
                log.debug("cluster: logical port {} {} (version {})", port, r.at() == null ? "withdrawn" : "at " + r.at(),
                        version);
                if (next != null) {
                    write(port, st, next);
                }
            } else if (code == KeeperException.Code.BADVERSION.intValue()
                    || code == KeeperException.Code.NODEEXISTS.intValue()
                    || code == KeeperException.Code.NONODE.intValue()) {
                // Someone wrote a decision we had not read: it is newer than ours (and than what we
                // decided since), and its record, on its way, puts it in force here too.
                log.info("cluster: logical port {} {}: not written, a newer decision is in ZooKeeper ({})", port,
                        r.at() == null ? "withdrawn" : "at " + r.at(), KeeperException.Code.get(code));
            } else {
                log.warn("cluster: logical port {} {}: not written ({}); the others keep what they had", port,
                        r.at() == null ? "withdrawn" : "at " + r.at(), KeeperException.Code.get(code));
            }
            if (st.seen < 0 && st.last == null && !st.writing && ports.get(port) == st) {
                ports.remove(port);
            }
        });
    }

    // ---- views -----------------------------------------------------------------------------------

    /** The records in ZooKeeper as this instance's cache has them, by port (any thread). */
    Map<String, Record> records() {
        Map<String, Record> m = new java.util.TreeMap<>();
        if (cache != null) {
            cache.stream().forEach(d -> {
                String port = portOf(d);
                if (port != null && d.getData() != null) {
                    Optional.ofNullable(Record.parse(d.getData())).ifPresent(r -> m.put(port, r));
                }
            });
        }
        return m;
    }

    static String key(String port) {
        return URLEncoder.encode(port, StandardCharsets.UTF_8);
    }

    private static String portOf(ChildData d) {
        if (d == null || !d.getPath().startsWith(NODE + "/")) {
            return null;
        }
        String k = d.getPath().substring(NODE.length() + 1);
        return k.isEmpty() || k.contains("/") ? null : URLDecoder.decode(k, StandardCharsets.UTF_8);
    }

    void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
