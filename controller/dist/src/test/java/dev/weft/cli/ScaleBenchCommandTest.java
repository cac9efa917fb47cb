package dev.weft.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code weft scale-bench}, small: the same site with and without {@code --routers} (issue 15:
 * a router per tenant, DHCP, a gateway on hv0). With routers the pipeline holds the L3, DHCP
 * and gateway entries on top of the L2 ones, and a move recompiles the routed networks too.
 * Times are printed, not asserted.
 */
class ScaleBenchCommandTest {
    private static final Pattern ENTRIES = Pattern.compile("full compilation: [0-9.]+ s, ([0-9,]+) flow entries");

    @Test
    void routersAddTheirEntriesToTheSameSite() {
        String args = "--hypervisors 8 --tenants 20 --ports 200 --networks-per-tenant 2 --moves 20";
        Run plain = run(args.split(" "));
        Run routed = run((args + " --routers").split(" "));
        assertEquals(0, plain.code, plain.err);
        assertEquals(0, routed.code, routed.err);
        assertTrue(routed.out.contains("a router per tenant (DHCP, gateway on hv0)"), routed.out);
        assertTrue(routed.out.contains("RESULT: compile"), routed.out);
        long without = entries(plain.out);
        long with = entries(routed.out);
        assertTrue(with > without, "routers add entries: " + with + " vs " + without);
    }

    @Test
    void restedMigrationsAreTimedEachAfterTheWarmUpAskedFor() {
        Run r = run("--hypervisors", "3", "--tenants", "2", "--ports", "6", "--moves", "2", "--migrations", "3",
                "--migration-gap", "20", "--warm-up-migrations", "50");
        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.contains("warm-up: 50 migrations rehearsed with [isolation, tenant-networks, mobility]"), r.out);
        Matcher m = Pattern.compile("each migration after 20 ms idle, in order, ms: ([0-9., ]+)\n").matcher(r.out);
        assertTrue(m.find(), r.out);
        assertEquals(3, m.group(1).split(", ").length, m.group(1));
        Run bad = run("--hypervisors", "3", "--tenants", "2", "--ports", "6", "--migrations", "3", "--migration-gap", "-5");
        assertEquals(2, bad.code, bad.out + bad.err);
        assertTrue(bad.err.contains("--migration-gap needs a whole number, 0 or more (was '-5')"), bad.err);
    }

    @Test
    void tooManyTenantsForTheGatewaysZonesIsAUsageError() {
        Run r = run("--hypervisors", "2", "--tenants", "70000", "--ports", "70000", "--routers");
        assertEquals(2, r.code, r.out + r.err);
        assertTrue(r.err.contains("at most 65534 tenants"), r.err);
    }

    private static long entries(String out) {
        Matcher m = ENTRIES.matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScaleBenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
