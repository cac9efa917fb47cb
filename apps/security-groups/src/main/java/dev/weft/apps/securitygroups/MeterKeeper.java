package dev.weft.apps.securitygroups;

import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.RateLimit;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;

/**
 * The OpenFlow meters of rate-limited ports, per hypervisor: a drop band at the port's kbps
 * (burst: its burst-kb) for everything it sends, and one at its broadcast packet rate. Meters are
 * not flow entries, so they are kept here: what each switch should have is computed from the same
 * snapshot as the flows, and the difference sent (ADD, MODIFY, DELETE) before the flows that use
 * them. When a switch (re)connects, the meters it has are read first (meter-config statistics) and
 * only the difference is sent: a meter it kept as it should be is adopted as is (a restarted
 * controller sends no meter-mod and gets no METER_EXISTS), one that differs is modified, one it
 * lacks is added, and one of this app's ids it should not have is deleted. A switch that cannot
 * say gets every meter as ADD then MODIFY. Runs on the control lane.
 */
final class MeterKeeper {
    /** One meter as configured: rate and burst in kbps/kb, or in packets per second. */
    record Meter(long id, boolean packets, long rate, long burst) {
    }

    private final SwitchService switches;
    private final Map<DatapathId, Map<Long, Meter>> sent = new HashMap<>();
    /** Switches that connected and whose meters are being read: nothing is sent them before. */
    private final Set<DatapathId> reading = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private long meterMods;

    MeterKeeper(SwitchService switches) {
        this.switches = switches;
    }

    /** Every meter each hypervisor should have, from a snapshot. */
    static Map<DatapathId, Map<Long, Meter>> desired(FabricView view, Zones zones, PolicyCompiler compiler,
                                                     java.util.function.Predicate<DatapathId> metered) {
        Map<DatapathId, Map<Long, Meter>> out = new HashMap<>();
        for (LogicalPort p : view.config().ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isEmpty() || view.config().node(at.get().dpid()).isEmpty() || !metered.test(at.get().dpid())) {
                continue;
            }
            RateLimit r = compiler.limits(p);
            if (r.isNone()) {
                continue;
            }
            DatapathId dpid = at.get().dpid();
            int zone = zones.assign(dpid, p.name(), PolicyCompiler.Reserved.zones(view.config(), dpid));
            Map<Long, Meter> m = out.computeIfAbsent(dpid, d -> new HashMap<>());
            if (r.kbps() > 0) {
                long id = Zones.bandwidthMeter(zone);
                m.put(id, new Meter(id, false, r.kbps(), r.burstKb() > 0 ? r.burstKb() : Math.max(1, r.kbps() / 10)));
            }
            if (r.broadcastPps() > 0) {
                long id = Zones.broadcastMeter(zone);
                m.put(id, new Meter(id, true, r.broadcastPps(), Math.max(1, r.broadcastPps() / 10)));
            }
        }
        return out;
    }

    /** Sends what differs from what was sent (to connected switches whose meters were read). */
    void sync(Map<DatapathId, Map<Long, Meter>> want) {
        Set<DatapathId> all = new HashSet<>(want.keySet());
        all.addAll(sent.keySet());
        for (DatapathId dpid : all) {
            Optional<Switch> sw = switches.get(dpid);
            Map<Long, Meter> had = sent.get(dpid);
            if (sw.isEmpty() || had == null || reading.contains(dpid)) {
                // Not yet read since it connected: connected() sends what it lacks. (A meter sent
                // now would cross the read and be added twice: METER_EXISTS.)
                continue;
            }
            Map<Long, Meter> w = want.getOrDefault(dpid, Map.of());
            for (Meter m : w.values()) {
                Meter h = had.get(m.id());
                if (h == null) {
                    send(sw.get(), OFMeterModCommand.ADD, m);
                } else if (!h.equals(m)) {
                    send(sw.get(), OFMeterModCommand.MODIFY, m);
                }
            }
            for (Meter h : List.copyOf(had.values())) {
                if (!w.containsKey(h.id())) {
                    send(sw.get(), OFMeterModCommand.DELETE, h);
                }
            }
            had.clear();
            had.putAll(w);
        }
    }

    /**
     * A switch (re)connected: send it what it lacks of the meters it should have, given the
     * meters it has ({@code present}; empty when it could not say: then every meter, as ADD then
     * MODIFY).
     */
    void connected(DatapathId dpid, Map<DatapathId, Map<Long, Meter>> want, Optional<Map<Long, Meter>> present) {
        reading.remove(dpid);
        sent.remove(dpid);
        Optional<Switch> sw = switches.get(dpid);
        Map<Long, Meter> w = want.getOrDefault(dpid, Map.of());
        if (sw.isEmpty()) {
            return;
        }
        for (OFMeterMod mod : plan(w, present)) {
            meterMods++;
            sw.get().send(mod);
        }
        sent.put(dpid, new HashMap<>(w));
    }

    /** The meter-mods that make a switch that has {@code present} have {@code want} (pure). */
    static List<OFMeterMod> plan(Map<Long, Meter> want, Optional<Map<Long, Meter>> present) {
        List<OFMeterMod> out = new java.util.ArrayList<>();
        if (present.isEmpty()) {
            for (Meter m : want.values()) {
                out.add(meterMod(OFMeterModCommand.ADD, m));
                out.add(meterMod(OFMeterModCommand.MODIFY, m));
            }
            return out;
        }
        Map<Long, Meter> has = present.get();
        for (Meter m : want.values()) {
            Meter h = has.get(m.id());
            if (h == null) {
                out.add(meterMod(OFMeterModCommand.ADD, m));
            } else if (!h.equals(m)) {
                out.add(meterMod(OFMeterModCommand.MODIFY, m));
            }
        }
        for (Meter h : has.values()) {
            if (!want.containsKey(h.id()) && ours(h.id())) {
                out.add(meterMod(OFMeterModCommand.DELETE, h));
            }
        }
        return out;
    }

    /** Meter ids this app gives out (two per zone). */
    static boolean ours(long id) {
        return id >= 2L * Zones.MIN && id <= 2L * (Zones.MIN + Zones.SPAN) + 1;
    }

    /** What a switch says it has (its meter-config statistics), as meters; a band other than one drop band is left out. */
    static Map<Long, Meter> fromConfig(List<org.projectfloodlight.openflow.protocol.OFMeterConfigStatsReply> replies) {
        Map<Long, Meter> out = new HashMap<>();
        for (var r : replies) {
            for (var c : r.getEntries()) {
                boolean packets = c.getFlags().contains(OFMeterFlags.PKTPS);
                if (c.getEntries().size() == 1 && c.getEntries().get(0)
                        instanceof org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop d) {
                    out.put(c.getMeterId(), new Meter(c.getMeterId(), packets, d.getRate(), d.getBurstSize()));
                } else {
                    // Something else under that id: not what we want, so it will be modified.
                    out.put(c.getMeterId(), new Meter(c.getMeterId(), packets, -1, -1));
                }
            }
        }
        return out;
    }

    /** A switch connected and its meters are being read (any thread): {@link #sync} leaves it alone until then. */
    void reading(DatapathId dpid) {
        reading.add(dpid);
    }

    void disconnected(DatapathId dpid) {
        reading.remove(dpid);
        sent.remove(dpid);
    }

    /** How many meter-mods were sent (for tests and the API). */
    long meterMods() {
        return meterMods;
    }

    static OFMeterMod meterMod(OFMeterModCommand command, Meter m) {
        EnumSet<OFMeterFlags> flags = EnumSet.of(m.packets() ? OFMeterFlags.PKTPS : OFMeterFlags.KBPS,
                OFMeterFlags.BURST, OFMeterFlags.STATS);
        List<OFMeterBand> bands = command == OFMeterModCommand.DELETE ? List.of()
                : List.of(OF.meterBands().buildDrop().setRate(m.rate()).setBurstSize(m.burst()).build());
        return OF.buildMeterMod().setCommand(command).setMeterId(m.id()).setFlags(flags).setMeters(bands).build();
    }

    private void send(Switch sw, OFMeterModCommand command, Meter m) {
        meterMods++;
        sw.send(meterMod(command, m));
    }
}
