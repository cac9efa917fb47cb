package dev.weft.apps.mobility;

import dev.weft.api.AppCookie;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The counters of every port of a switch, from whole-table replies, are those of the per-port reads. */
class CounterReaderTest {
    private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
    private static final DatapathId HV1 = DatapathId.of(0xa1);
    private static final int ISOLATION = 2;
    private static final int NETWORKS = 3;
    private static final int MOBILITY = 4;
    private static final MacAddress SAME_MAC = MacAddress.of("02:00:0a:00:01:0b");
    private static final LogicalPort ACME = port("acme-web1", "acme", 5001, SAME_MAC);
    private static final LogicalPort GLOBEX = port("globex-web1", "globex", 6001, SAME_MAC);
    private static final LogicalPort ACME2 = port("acme-web2", "acme", 5001, MacAddress.of("02:00:0a:00:01:0c"));

    private static LogicalPort port(String name, String tenant, int segment, MacAddress mac) {
        return new LogicalPort(name, tenant, "web", segment, mac, List.of(IPv4Address.of("10.0.1.11")),
                new Binding.Interface("vm-" + name));
    }

    private static OFFlowStatsEntry entry(int table, int app, int segment, Match m, List<OFInstruction> ins,
                                          long packets, long bytes) {
        return OF.buildFlowStatsEntry().setTableId(TableId.of(table)).setMatch(m).setInstructions(ins)
                .setCookie(new AppCookie(app, segment, 0).toU64()).setPacketCount(U64.of(packets))
                .setByteCount(U64.of(bytes)).build();
    }

    private static Match inPort(int p) {
        return OF.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(p)).build();
    }

    private static Match dst(MacAddress mac) {
        return OF.buildMatch().setExact(MatchField.ETH_DST, mac).build();
    }

    private static List<OFInstruction> out(int port) {
        return List.of(OF.instructions().applyActions(List.of(OF.actions().output(OFPort.of(port), 0))));
    }

    private static List<OFInstruction> next() {
        return List.of(OF.instructions().gotoTable(TableId.of(1)));
    }

    private static OFFlowStatsReply reply(OFFlowStatsEntry... e) {
        return OF.buildFlowStatsReply().setEntries(List.of(e)).build();
    }

    @Test
    void eachPortGetsItsOwnEntriesEvenWithTheSameMacInAnotherTenant() {
        Map<PortLocation, LogicalPort> here = Map.of(new PortLocation(HV1, OFPort.of(3)), ACME,
                new PortLocation(HV1, OFPort.of(4)), GLOBEX, new PortLocation(HV1, OFPort.of(5)), ACME2);
        List<OFFlowStatsReply> ingress = List.of(reply(
                entry(TenantPipeline.INGRESS.getValue(), ISOLATION, 5001, inPort(3), next(), 10, 1000),
                entry(TenantPipeline.INGRESS.getValue(), ISOLATION, 5001, inPort(3), List.of(), 2, 120), // spoofed: dropped
                entry(TenantPipeline.INGRESS.getValue(), ISOLATION, 6001, inPort(4), next(), 7, 700),
                entry(TenantPipeline.INGRESS.getValue(), MOBILITY, 5001, inPort(3), next(), 99, 9900), // a trap: not the VM's
                entry(TenantPipeline.INGRESS.getValue(), ISOLATION, 5001, inPort(1), next(), 50, 5000)), // the tunnel
                reply(entry(TenantPipeline.INGRESS.getValue(), ISOLATION, 5001, inPort(5), next(), 1, 64)));
        List<OFFlowStatsReply> l2 = List.of(reply(
                entry(TenantPipeline.L2.getValue(), NETWORKS, 5001, dst(SAME_MAC), out(3), 5, 500),
                entry(TenantPipeline.L2.getValue(), NETWORKS, 6001, dst(SAME_MAC), out(4), 6, 600),
                entry(TenantPipeline.L2.getValue(), NETWORKS, 5001, dst(ACME2.mac()), out(1), 8, 800))); // elsewhere
        Map<String, PortCounters> all = CounterReader.countAll(ingress, l2, here, MOBILITY);
        assertEquals(new PortCounters(10, 1000, 2, 5, 500), all.get("acme-web1"));
        assertEquals(new PortCounters(7, 700, 0, 6, 600), all.get("globex-web1"));
        assertEquals(new PortCounters(1, 64, 0, 0, 0), all.get("acme-web2"));
        // The same as the per-port reader says for the entries a per-port read would return.
        assertEquals(all.get("acme-web1"), CounterReader.count(List.of(reply(
                        entry(0, ISOLATION, 5001, inPort(3), next(), 10, 1000),
                        entry(0, ISOLATION, 5001, inPort(3), List.of(), 2, 120),
                        entry(0, MOBILITY, 5001, inPort(3), next(), 99, 9900))),
                List.of(reply(entry(4, NETWORKS, 5001, dst(SAME_MAC), out(3), 5, 500),
                        entry(4, NETWORKS, 6001, dst(SAME_MAC), out(4), 6, 600))), 5001, MOBILITY));
    }
}
