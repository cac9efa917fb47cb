package dev.weft.apps.securitygroups;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a (re)connected switch is sent, given the meters it says it has: only the difference. */
class MeterPlanTest {
    static final MeterKeeper.Meter BW = new MeterKeeper.Meter(2L * 0x1234, false, 100000, 10000);
    static final MeterKeeper.Meter BC = new MeterKeeper.Meter(2L * 0x1234 + 1, true, 100, 10);

    static List<String> plan(Map<Long, MeterKeeper.Meter> want, Optional<Map<Long, MeterKeeper.Meter>> has) {
        return MeterKeeper.plan(want, has).stream().map(MeterPlanTest::text).toList();
    }

    static String text(OFMeterMod m) {
        return m.getCommand() + " " + m.getMeterId();
    }

    @Test
    void aSwitchThatKeptItsMetersGetsNothing() {
        assertEquals(List.of(), plan(Map.of(BW.id(), BW, BC.id(), BC), Optional.of(Map.of(BW.id(), BW, BC.id(), BC))));
    }

    @Test
    void onlyWhatDiffers() {
        MeterKeeper.Meter old = new MeterKeeper.Meter(BC.id(), true, 50, 5);
        assertEquals(List.of("ADD " + BW.id(), "MODIFY " + BC.id()),
                plan(java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.of(BW.id(), BW)) {
                    {
                        put(BC.id(), BC);
                    }
                }), Optional.of(Map.of(BC.id(), old))));
    }

    @Test
    void ourMetersItShouldNotHaveAreDeletedOthersAreLeftAlone() {
        MeterKeeper.Meter stale = new MeterKeeper.Meter(2L * 0x2000, false, 1000, 100);
        MeterKeeper.Meter foreign = new MeterKeeper.Meter(7, true, 10, 1);
        assertEquals(List.of("DELETE " + stale.id()),
                plan(Map.of(), Optional.of(Map.of(stale.id(), stale))));
        assertEquals(List.of(), plan(Map.of(), Optional.of(Map.of(foreign.id(), foreign))));
    }

    @Test
    void aSwitchThatCannotSayGetsEveryMeterAddedThenModified() {
        assertEquals(List.of(OFMeterModCommand.ADD + " " + BW.id(), OFMeterModCommand.MODIFY + " " + BW.id()),
                plan(Map.of(BW.id(), BW), Optional.empty()));
    }

    /**
     * A switch that connected is in the switch service before its SwitchConnected reaches this
     * app: a meter sent to it then crossed the read of its meters and was added twice (the
     * switch answered METER_EXISTS; seen in SecurityGroupsOnSimTest). Nothing is sent before the
     * read; the read's answer decides.
     */
    @Test
    void aSwitchGetsNoMeterBeforeItsMetersWereRead() {
        dev.weft.fakes.FakeSwitch sw = new dev.weft.fakes.FakeSwitch(
                org.projectfloodlight.openflow.types.DatapathId.of(1), org.projectfloodlight.openflow.protocol.OFVersion.OF_13);
        MeterKeeper k = new MeterKeeper(new dev.weft.api.SwitchService() {
            @Override
            public java.util.Collection<dev.weft.api.Switch> all() {
                return List.of(sw);
            }

            @Override
            public Optional<dev.weft.api.Switch> get(org.projectfloodlight.openflow.types.DatapathId id) {
                return id.equals(sw.id()) ? Optional.of(sw) : Optional.empty();
            }
        });
        var want = Map.of(sw.id(), Map.of(BW.id(), BW));
        k.sync(want); // registered, its SwitchConnected not handled yet
        assertEquals(List.of(), sw.sent(OFMeterMod.class).stream().map(MeterPlanTest::text).toList());
        k.reading(sw.id()); // its meters are being read
        k.sync(want);
        assertEquals(List.of(), sw.sent(OFMeterMod.class).stream().map(MeterPlanTest::text).toList());
        k.connected(sw.id(), want, Optional.of(Map.of())); // it has none
        k.sync(want); // and nothing changed since
        assertEquals(List.of("ADD " + BW.id()), sw.sent(OFMeterMod.class).stream().map(MeterPlanTest::text).toList());
        var more = Map.of(sw.id(), Map.of(BW.id(), BW, BC.id(), BC));
        k.sync(more);
        assertEquals(List.of("ADD " + BW.id(), "ADD " + BC.id()),
                sw.sent(OFMeterMod.class).stream().map(MeterPlanTest::text).toList());
    }
}
