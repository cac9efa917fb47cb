package com.example.weft;

import dev.weft.api.Disposition;
import dev.weft.testing.AppHarness;
import dev.weft.fakes.FakeSwitch;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacBlocklistTest {
    private static final MacAddress BAD = MacAddress.of("02:00:00:00:00:66");
    private static final MacAddress GOOD = MacAddress.of("02:00:00:00:00:01");
    private AppHarness h;

    /** The app's section of Weft's config file, as a user writes it. */
    private static String config(String mac, Integer priority) {
        return "apps:\n  mac-blocklist:\n    macs: [\"" + mac + "\"]\n"
                + (priority == null ? "" : "    priority: " + priority + "\n");
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void installsADropEntryPerBlockedMacWhenASwitchConnects() throws Exception {
        h = new AppHarness().config(config(BAD.toString(), null));
        h.start(new MacBlocklist());
        FakeSwitch sw = h.connect(FakeSwitch.withPorts(1, OFVersion.OF_13, 2));
        OFFlowAdd drop = sw.sent(OFFlowAdd.class).get(0);
        assertEquals(BAD, drop.getMatch().get(MatchField.ETH_SRC));
        assertEquals(1000, drop.getPriority());
        assertTrue(drop.getInstructions().isEmpty() || drop.getActions().isEmpty(), "no actions means drop");
    }

    @Test
    void stopsPacketInsFromBlockedMacsAndLetsOthersThrough() throws Exception {
        h = new AppHarness().config(config(BAD.toString(), 5));
        h.start(new MacBlocklist());
        FakeSwitch sw = h.connect(FakeSwitch.withPorts(1, OFVersion.OF_10, 2));
        IPv4Address ip = IPv4Address.of("10.0.0.9");
        assertEquals(Disposition.STOP, h.packetIn(sw, 1, Frames.from(BAD, ip).arpRequest(ip)));
        assertEquals(Disposition.CONTINUE, h.packetIn(sw, 1, Frames.from(GOOD, ip).arpRequest(ip)));
    }

    @Test
    void malformedMacInConfigFailsTheStart() {
        h = new AppHarness().config(config("nope", null));
        var e = assertThrows(RuntimeException.class, () -> h.start(new MacBlocklist()));
        assertTrue(e.getMessage().startsWith("app 'mac-blocklist' failed to start: apps.mac-blocklist.macs: "),
                e.getMessage());
    }
}
