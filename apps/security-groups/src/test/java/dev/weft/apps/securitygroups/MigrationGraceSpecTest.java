package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.CFG;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.CLIENT;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.DB1;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.WEB1;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.WHERE;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.from;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.nobody;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.only;
import static dev.weft.apps.securitygroups.SecurityGroupSpecTest.tcp;
import static dev.weft.apps.securitygroups.Site.HV1;
import static dev.weft.apps.securitygroups.Site.HV2;
import static dev.weft.apps.securitygroups.Site.at;
import static dev.weft.sim.packet.FrameBuilder.ACK;
import static dev.weft.sim.packet.FrameBuilder.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Established TCP connections of a VM that migrates, on the simulator's datapath (its tracker
 * picks connections up in the middle as Open vSwitch 3.1's does): the switches keep their
 * trackers, the moved VM's new hypervisor has none of its connections. For a grace period after
 * the move, segments without SYN that the VM's rules allow the other way round are committed
 * there; nothing its rules would not allow passes, and after the grace unsolicited segments are
 * dropped again. The site of {@link SecurityGroupSpecTest}: web1 (tcp 80 in, anything out),
 * db1 (tcp 5432 in from group web, only udp 53 out), client (unfiltered).
 */
class MigrationGraceSpecTest {
    final Zones zones = new Zones();
    final Grace grace = new Grace();
    final PolicyCompiler policy = new PolicyCompiler(zones, grace, d -> true, 0);
    final Site.Clock clock = new Site.Clock();
    final PipelineModel m = Site.model(Site.view(CFG, WHERE), policy, zones, clock);

    /** {@code vm} moves to {@code to}; its grace starts as the app starts it (if {@code withGrace}). */
    PipelineModel move(String vm, PortLocation to, boolean withGrace) {
        Map<String, PortLocation> where = new HashMap<>(WHERE);
        where.put(vm, to);
        FabricView after = Site.view(CFG, where);
        if (withGrace) {
            grace.start(vm, 5001, Instant.EPOCH.plusSeconds(60));
        }
        return m.migrate(vm, after, meters(after), new IsolationCompiler(), policy, new L2Compiler());
    }

    Map<DatapathId, List<OFMessage>> meters(FabricView view) {
        Map<DatapathId, List<OFMessage>> out = new HashMap<>();
        MeterKeeper.desired(view, zones, policy, d -> true).forEach((dpid, ms) -> out.put(dpid, ms.values().stream()
                .map(x -> (OFMessage) MeterKeeper.meterMod(org.projectfloodlight.openflow.protocol.OFMeterModCommand.ADD, x))
                .toList()));
        return out;
    }

    /** web1 opens a connection to db1:5432 (on hv2) from hv1. */
    void web1ConnectsToDb1(int sport) {
        only(m.send("web1", tcp(WEB1, DB1, sport, 5432, SYN)), "db1", "web1's SYN");
        only(m.send("db1", tcp(DB1, WEB1, 5432, sport, SYN | ACK)), "web1", "db1's SYN-ACK");
        only(m.send("web1", tcp(WEB1, DB1, sport, 5432, ACK)), "db1", "web1's ACK");
        only(m.send("db1", tcp(DB1, WEB1, 5432, sport, ACK)), "web1", "db1's data");
    }

    @Test
    void aConnectionTheVmOpenedKeepsWorkingAfterItMoves() {
        web1ConnectsToDb1(41000);
        PipelineModel after = move("web1", at(HV2, 5), true);
        // db1 writes first: web1's rules allow nothing in from port 5432, but web1 may send to
        // db1:5432, so the segment is picked up and committed in web1's zone on hv2.
        only(after.send("db1", tcp(DB1, WEB1, 5432, 41000, ACK)), "web1", "db1's next segment, web1 on hv2");
        only(after.send("web1", tcp(WEB1, DB1, 41000, 5432, ACK)), "db1", "web1's ACK");
        only(after.send("db1", tcp(DB1, WEB1, 5432, 41000, ACK)), "web1", "and on");
        // After the grace, the connection is known there and keeps working.
        grace.expire(Instant.EPOCH.plusSeconds(61));
        PipelineModel later = move("web1", at(HV2, 5), false);
        only(later.send("db1", tcp(DB1, WEB1, 5432, 41000, ACK)), "web1", "after the grace too");
    }

    @Test
    void withoutTheGraceItIsLost() {
        web1ConnectsToDb1(41001);
        PipelineModel after = move("web1", at(HV2, 5), false);
        nobody(after.send("db1", tcp(DB1, WEB1, 5432, 41001, ACK)), "db1's next segment, no grace");
    }

    @Test
    void aConnectionTheVmServedKeepsWorkingWhenItsEgressIsRestricted() {
        // db1 serves web1 on 5432; db1 may send only udp 53, so what it writes after moving to hv1
        // passes only as the reply of a connection its ingress rule (tcp 5432 from group web) allows.
        web1ConnectsToDb1(41002);
        PipelineModel after = move("db1", at(HV1, 7), true);
        only(after.send("db1", tcp(DB1, WEB1, 5432, 41002, ACK)), "web1", "db1 writes first, on hv1");
        only(after.send("web1", tcp(WEB1, DB1, 41002, 5432, ACK)), "db1", "web1's ACK");
        // Not to someone outside group web, nor from another port.
        nobody(after.send("db1", tcp(DB1, CLIENT, 5432, 41003, ACK)), "db1 from 5432 to client (not in web)");
        nobody(after.send("db1", tcp(DB1, WEB1, 5433, 41004, ACK)), "db1 from 5433 to web1");
    }

    @Test
    void theGraceOpensNoNewConnections() {
        PipelineModel after = move("db1", at(HV1, 7), true);
        nobody(after.send("client", tcp(CLIENT, DB1, 41005, 5432, SYN)), "client's SYN to db1:5432");
        nobody(after.send("client", tcp(CLIENT, DB1, 41006, 5432, ACK)), "client's mid-stream to db1:5432");
        nobody(after.send("client", tcp(CLIENT, DB1, 5432, 41007, SYN | ACK)), "an unsolicited SYN-ACK");
        nobody(after.send("db1", tcp(DB1, CLIENT, 41008, 80, SYN)), "db1 opening tcp (egress is udp 53 only)");
        nobody(after.send("client", from(CLIENT).to(DB1.mac(), DB1.ips().get(0)).udp(5432, 41009, new byte[4])),
                "udp from client's 5432");
        // web1 may send anything anywhere: during its grace any mid-stream segment may be one of
        // its connections (its TCP stack answers RST to the others), but never a SYN.
        PipelineModel webMoved = move("web1", at(HV2, 5), true);
        nobody(webMoved.send("client", tcp(CLIENT, WEB1, 41010, 22, SYN)), "a SYN to web1:22 during the grace");
        only(webMoved.send("client", tcp(CLIENT, WEB1, 41011, 22, ACK)), "web1", "a mid-stream segment during it");
        // After the grace: unsolicited mid-stream segments to web1:22 are dropped again.
        assertEquals(List.of(5001, 5001), grace.expire(Instant.EPOCH.plusSeconds(61)).stream().sorted().toList());
        assertTrue(grace.isEmpty());
        PipelineModel later = move("web1", at(HV2, 5), false);
        nobody(later.send("client", tcp(CLIENT, WEB1, 41012, 22, ACK)), "a mid-stream segment after the grace");
        only(later.send("client", tcp(CLIENT, WEB1, 41011, 22, ACK)), "web1",
                "(one committed during the grace stays known, as a connection)");
    }
}
