package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.weft.api.tenant.SecurityRule.Protocol.TCP;
import static dev.weft.api.tenant.SecurityRule.Protocol.UDP;
import static dev.weft.apps.securitygroups.Site.HV1;
import static dev.weft.apps.securitygroups.Site.HV2;
import static dev.weft.apps.securitygroups.Site.at;
import static dev.weft.apps.securitygroups.Site.icmpIn;
import static dev.weft.apps.securitygroups.Site.in;
import static dev.weft.apps.securitygroups.Site.inFrom;
import static dev.weft.apps.securitygroups.Site.out;
import static dev.weft.apps.securitygroups.Site.port;
import static dev.weft.sim.packet.FrameBuilder.ACK;
import static dev.weft.sim.packet.FrameBuilder.SYN;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What security groups do to frames, on the simulator's datapath with isolation and L2 in front
 * and behind (so "nobody" is the groups' doing: the same frame on an allowed port arrives).
 * Tenant acme: web1 (hv1, group web: tcp 80 from anyone, ping from group admin), db1 (hv2, group
 * db: tcp 5432 from group web), admin1 (hv2, group admin: no rules, so it receives nothing it did
 * not ask for), client (hv1, no groups: unfiltered). Tenant globex uses the same addresses and
 * group names: gweb (hv1, group web without rules) and gclient (hv1).
 */
class SecurityGroupSpecTest {
    static final LogicalPort WEB1 = port("web1", "acme", 5001, 1, "10.0.1.11", List.of("web"));
    static final LogicalPort DB1 = port("db1", "acme", 5001, 2, "10.0.1.12", List.of("db"));
    static final LogicalPort ADMIN1 = port("admin1", "acme", 5001, 3, "10.0.1.13", List.of("admin"));
    static final LogicalPort CLIENT = port("client", "acme", 5001, 4, "10.0.1.14", List.of());
    static final LogicalPort GWEB = port("gweb", "globex", 6001, 1, "10.0.1.11", List.of("web"));
    static final LogicalPort GCLIENT = port("gclient", "globex", 6001, 4, "10.0.1.14", List.of());
    static final List<SecurityGroup> ACME_GROUPS = List.of(
            new SecurityGroup("acme", "web", List.of(in(TCP, 80, null), icmpIn("admin"))),
            new SecurityGroup("acme", "db", List.of(in(TCP, 5432, "web"), out(UDP, 53))),
            new SecurityGroup("acme", "admin", List.of()));
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2), List.of(
            Site.tenant("acme", 5001, ACME_GROUPS, WEB1, DB1, ADMIN1, CLIENT),
            Site.tenant("globex", 6001, List.of(new SecurityGroup("globex", "web", List.of())), GWEB, GCLIENT)));
    static final Map<String, PortLocation> WHERE = Map.of("web1", at(HV1, 1), "db1", at(HV2, 1),
            "admin1", at(HV2, 2), "client", at(HV1, 2), "gweb", at(HV1, 3), "gclient", at(HV1, 4));

    final Zones zones = new Zones();
    final PipelineModel m = Site.model(Site.view(CFG, WHERE), new PolicyCompiler(zones, d -> true, 0), zones,
            new Site.Clock());

    static FrameBuilder from(LogicalPort p) {
        return Frames.from(p.mac(), p.ips().get(0));
    }

    static byte[] tcp(LogicalPort a, LogicalPort b, int sport, int dport, int flags) {
        return from(a).to(b.mac(), b.ips().get(0)).tcp(sport, dport, flags);
    }

    static void only(Reach r, String host, String what) {
        assertTrue(r.reachedOnly(host), what + ": " + r);
    }

    static void nobody(Reach r, String what) {
        assertTrue(r.reachedNobody(), what + " should reach nobody: " + r);
    }

    @Test
    void anAllowedPortConnectsAndTheRepliesPass() {
        only(m.send("client", tcp(CLIENT, WEB1, 40000, 80, SYN)), "web1", "client's SYN to web1:80");
        only(m.send("web1", tcp(WEB1, CLIENT, 80, 40000, SYN | ACK)), "client", "web1's SYN-ACK back");
        only(m.send("client", tcp(CLIENT, WEB1, 40000, 80, ACK)), "web1", "client's ACK");
        only(m.send("web1", tcp(WEB1, CLIENT, 80, 40000, ACK)), "client", "web1's data back");
    }

    @Test
    void aDeniedPortDoesNotConnect() {
        nobody(m.send("client", tcp(CLIENT, WEB1, 40001, 22, SYN)), "client's SYN to web1:22");
        nobody(m.send("client", from(CLIENT).to(WEB1.mac(), WEB1.ips().get(0)).udp(40001, 80, new byte[4])),
                "udp to web1:80 (the rule is tcp)");
        nobody(m.send("client", from(CLIENT).to(WEB1.mac(), WEB1.ips().get(0)).echoRequest(1, 1)),
                "a ping from outside group admin");
    }

    @Test
    void unsolicitedTrafficDoesNotPassEvenAsAReply() {
        // A SYN-ACK with nothing before it: db1's tracker has no such connection.
        nobody(m.send("db1", tcp(DB1, WEB1, 5432, 40002, SYN | ACK)), "an unsolicited SYN-ACK from db1");
        nobody(m.send("db1", tcp(DB1, WEB1, 5432, 80, ACK)), "an unsolicited ACK to web1:80 (db1 may not send it)");
        nobody(m.send("client", tcp(CLIENT, WEB1, 40002, 22, ACK)), "an unsolicited ACK to web1:22");
        nobody(m.send("client", tcp(CLIENT, DB1, 40002, 5432, ACK)), "an ACK to db1:5432 from outside group web");
        // And something web1 never asked for, to a port it does not serve.
        nobody(m.send("db1", tcp(DB1, WEB1, 40003, 8080, SYN)), "db1's SYN to web1:8080");
    }

    @Test
    void aRemoteGroupAcrossHypervisors() {
        only(m.send("web1", tcp(WEB1, DB1, 40004, 5432, SYN)), "db1", "web1 (in web) to db1:5432 via the tunnel");
        only(m.send("db1", tcp(DB1, WEB1, 5432, 40004, SYN | ACK)), "web1", "db1's reply, though web1 takes only 80");
        only(m.send("web1", tcp(WEB1, DB1, 40004, 5432, ACK)), "db1", "and on");
        nobody(m.send("client", tcp(CLIENT, DB1, 40005, 5432, SYN)), "client (not in web) to db1:5432");
        nobody(m.send("admin1", tcp(ADMIN1, DB1, 40006, 5432, SYN)), "admin1 (not in web) to db1:5432 on db1's host");
        only(m.send("admin1", from(ADMIN1).to(WEB1.mac(), WEB1.ips().get(0)).echoRequest(7, 1)), "web1",
                "a ping from group admin");
        only(m.send("web1", from(WEB1).to(ADMIN1.mac(), ADMIN1.ips().get(0)).echoReply(7, 1, new byte[32])),
                "admin1", "its echo reply, though admin1 takes nothing unasked");
    }

    @Test
    void egressRulesLimitWhatAPortSends() {
        // db's only egress rule is udp 53: db1 may not start a TCP connection to client.
        nobody(m.send("db1", tcp(DB1, CLIENT, 40007, 80, SYN)), "db1 starting tcp");
        only(m.send("db1", from(DB1).to(CLIENT.mac(), CLIENT.ips().get(0)).udp(40007, 53, new byte[4])), "client",
                "db1's udp 53");
        // web has no egress rule: anything goes out.
        only(m.send("web1", tcp(WEB1, CLIENT, 40008, 22, SYN)), "client", "web1 starting tcp to client:22");
    }

    @Test
    void arpStillFlows() {
        // ARP is not filtered by groups (port security already holds it to the truth).
        Reach r = m.send("client", from(CLIENT).arpRequest(org.projectfloodlight.openflow.types.IPv4Address.of("10.0.1.99")));
        assertTrue(r.hosts().contains("web1") && r.hosts().contains("db1"), r.toString());
    }

    @Test
    void twoTenantsWithTheSameAddressesAndGroupNamesStayApart() {
        only(m.send("client", tcp(CLIENT, WEB1, 40009, 80, SYN)), "web1", "acme's web lets tcp 80 in");
        nobody(m.send("gclient", tcp(GCLIENT, GWEB, 40009, 80, SYN)), "globex's web (no rules) lets nothing in");
        // acme's connection does not open globex's door, though the 5-tuple is the same.
        nobody(m.send("gclient", tcp(GCLIENT, GWEB, 40009, 80, ACK)), "globex's ACK of acme's connection");
        only(m.send("gweb", tcp(GWEB, GCLIENT, 80, 40010, SYN)), "gclient", "globex's own outbound");
    }

    @Test
    void aMigratedVmKeepsItsGroups() {
        Map<String, PortLocation> moved = new java.util.HashMap<>(WHERE);
        moved.put("web1", at(HV2, 5));
        Zones z = new Zones();
        PipelineModel after = Site.model(Site.view(CFG, moved), new PolicyCompiler(z, d -> true, 0), z, new Site.Clock());
        // A connection open before the move is unknown to hv2's tracker, which picks it up in
        // the middle (as Open vSwitch's does): the next segment to web1:80 is allowed like a SYN
        // (MigrationGraceSpecTest: the other direction); a new connection is allowed as before.
        only(m.send("client", tcp(CLIENT, WEB1, 40010, 80, SYN)), "web1", "before the move, on hv1");
        only(m.send("web1", tcp(WEB1, CLIENT, 80, 40010, SYN | ACK)), "client", "its reply");
        only(after.send("client", tcp(CLIENT, WEB1, 40010, 80, ACK)), "web1", "the old connection's ACK, web1 now on hv2");
        nobody(after.send("client", tcp(CLIENT, WEB1, 40015, 22, ACK)), "a mid-stream segment to web1:22 on hv2");
        only(after.send("client", tcp(CLIENT, WEB1, 40011, 80, SYN)), "web1", "tcp 80 to web1 on hv2, via the tunnel");
        nobody(after.send("client", tcp(CLIENT, WEB1, 40012, 22, SYN)), "tcp 22 to web1 on hv2");
        nobody(after.send("client", from(CLIENT).to(WEB1.mac(), WEB1.ips().get(0)).echoRequest(3, 1)),
                "a ping from client to web1 on hv2");
        nobody(after.send("db1", from(DB1).to(WEB1.mac(), WEB1.ips().get(0)).udp(40013, 53, new byte[1])),
                "udp from db1 to web1, now its neighbour on hv2 (web takes tcp 80 only)");
        only(after.send("web1", tcp(WEB1, DB1, 40014, 5432, SYN)), "db1", "web1 to db1:5432, now on the same hypervisor");
    }

    @Test
    void aRemoteCidrRule() {
        NetworkConfig c = new NetworkConfig(List.of(HV1, HV2), List.of(Site.tenant("acme", 5001, List.of(
                new SecurityGroup("acme", "web", List.of(inFrom(TCP, 8000, 8080, "10.0.1.14/32")))),
                WEB1, CLIENT, port("other", "acme", 5001, 9, "10.0.1.19", List.of()))));
        Zones z = new Zones();
        PipelineModel p = Site.model(Site.view(c, Map.of("web1", at(HV1, 1), "client", at(HV1, 2), "other",
                at(HV2, 1))), new PolicyCompiler(z, d -> true, 0), z, new Site.Clock());
        for (int port : new int[] {8000, 8063, 8064, 8079, 8080}) {
            only(p.send("client", tcp(CLIENT, WEB1, 40100 + port % 100, port, SYN)), "web1", "client to " + port);
        }
        for (int port : new int[] {7999, 8081, 80}) {
            nobody(p.send("client", tcp(CLIENT, WEB1, 40200, port, SYN)), "client to " + port);
        }
        LogicalPort other = c.port("other").orElseThrow();
        nobody(p.send("other", tcp(other, WEB1, 40300, 8000, SYN)), "10.0.1.19 is outside 10.0.1.14/32");
    }
}
