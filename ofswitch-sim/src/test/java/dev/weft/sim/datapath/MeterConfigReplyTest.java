package dev.weft.sim.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMeterConfig;
import org.projectfloodlight.openflow.protocol.OFMeterConfigStatsReply;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;

/** A meter-config request reads back what meter-mods set, as the controller does on reconnect. */
class MeterConfigReplyTest {
    private final DatapathHarness h = DatapathHarness.of13(2);
    private final OFFactory f = h.f();

    private void addMeter(long id, long rate) {
        h.send(f.buildMeterMod().setCommand(OFMeterModCommand.ADD).setMeterId(id)
                .setFlags(Set.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST))
                .setMeters(List.of(f.meterBands().buildDrop().setRate(rate).setBurstSize(rate * 2).build())).build());
        h.assertNoMessages();
    }

    private List<OFMeterConfig> ask(long meterId) {
        h.send(f.buildMeterConfigStatsRequest().setXid(40).setMeterId(meterId).build());
        List<OFMeterConfigStatsReply> replies = h.take(OFMeterConfigStatsReply.class);
        assertEquals(1, replies.size());
        assertEquals(40, replies.get(0).getXid());
        return replies.get(0).getEntries();
    }

    @Test
    void allMetersAndOneMeterAreReportedAsSet() {
        assertEquals(List.of(), ask(0xffffffffL), "no meters yet");
        addMeter(3, 100);
        addMeter(7, 250);
        List<OFMeterConfig> all = ask(0xffffffffL);
        assertEquals(List.of(3L, 7L), all.stream().map(OFMeterConfig::getMeterId).toList());
        OFMeterConfig seven = ask(7).get(0);
        assertEquals(Set.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST), seven.getFlags());
        assertEquals(List.of(f.meterBands().buildDrop().setRate(250).setBurstSize(500).build()), seven.getEntries());
        h.send(f.buildMeterMod().setCommand(OFMeterModCommand.DELETE).setMeterId(3).setMeters(List.of()).build());
        assertEquals(List.of(7L), ask(0xffffffffL).stream().map(OFMeterConfig::getMeterId).toList());
        assertEquals(List.of(), ask(3), "a deleted meter is gone");
    }
}
