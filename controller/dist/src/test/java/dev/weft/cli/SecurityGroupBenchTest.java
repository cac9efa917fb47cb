package dev.weft.cli;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.apps.securitygroups.SecurityGroups;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code weft scale-bench --security-groups}, small and in the shape of the 100,000-port run (a
 * group per tenant, 10 rules, 3 of them naming the group itself as remote; 10 ports per tenant,
 * each in its tenant's group): what is compiled, and that a membership change costs only the
 * entries it has to (counts, not times: the times are the benchmark's).
 */
class SecurityGroupBenchTest {
    static final int TENANTS = 20;
    static final int PORTS_PER_NETWORK = 10;

    static ScaleBenchCommand.Site site() {
        return SecurityGroupBench.withGroups(ScaleBenchCommand.generate(4, TENANTS, 1, TENANTS * PORTS_PER_NETWORK,
                new Random(1)), TENANTS);
    }

    /**
     * A port's entries, with k ports in its network and group: 7 egress (broadcast, not IPv4,
     * tracking, established, related, its one egress rule, denied) and 3k + 18 ingress (tracking,
     * established, related, denied, 3 remote-group rules times k addresses, and 11 from CIDR rules:
     * 80, 443, 8000-8080 in 3 blocks, udp 53, icmp 8, udp 5000-5100 in 8 blocks).
     */
    static int entriesOfAPort(int k) {
        return 7 + 3 * k + 18;
    }

    @Test
    void theFullCompilationHasEveryPortsEntries() {
        ScaleBenchCommand.Site site = site();
        NetworkFlowsKeeper.Compiler c = SecurityGroups.compiler(0);
        List<Integer> segments = site.config().networks().stream().map(LogicalNetwork::segment).toList();
        Map<Integer, Map<DatapathId, List<FlowSpec>>> all = NetworkFlowsKeeper.compileAll(c, site.view(), segments);
        long entries = all.values().stream().flatMap(m -> m.values().stream()).mapToLong(List::size).sum();
        assertEquals((long) TENANTS * PORTS_PER_NETWORK * entriesOfAPort(PORTS_PER_NETWORK), entries);
    }

    @Test
    void aMembershipChangeRecompilesOneNetworkAndChangesOnlyTheEntriesNamingThePort() {
        ScaleBenchCommand.Site site = site();
        NetworkFlowsKeeper.Compiler c = SecurityGroups.compiler(0);
        SecurityGroupBench.Change[] changes = SecurityGroupBench.membershipChanges(site, c, 10, 1);
        int k = PORTS_PER_NETWORK;
        for (SecurityGroupBench.Change ch : changes) {
            // Its tenant's ports are all in its network: nothing else is recompiled.
            assertEquals(1, ch.networks(), ch.toString());
            // Its own entries appear or go, and each other member's 3 entries that name its address.
            assertEquals(entriesOfAPort(k) + 3 * (k - 1), ch.entriesChanged(), ch.toString());
        }
        assertEquals(5, java.util.Arrays.stream(changes).filter(SecurityGroupBench.Change::join).count());
    }

    @Test
    void theCommandPrintsTheFiguresOfBothParts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScaleBenchCommand.run(("--hypervisors 4 --tenants " + TENANTS + " --ports "
                        + TENANTS * PORTS_PER_NETWORK + " --security-groups " + TENANTS + " --moves 10").split(" "),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains(String.format("%,d ACL entries", TENANTS * PORTS_PER_NETWORK
                * entriesOfAPort(PORTS_PER_NETWORK))), text);
        assertTrue(text.contains("5 joins, 5 leaves; 1.0 networks recompiled each, entries that differ 82-82"), text);
        assertTrue(text.contains("RESULT security-groups: compile"), text);
    }
}
