package dev.weft.cli;

import dev.weft.rest.RestFabric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code weft security-groups} against a controller running the example config. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityGroupsCommandTest {
    @Test
    void listsEachTenantsGroupsRulesAndMembers(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/secure-tenants.yaml"));
        try (RestFabric f = new RestFabric(dir, yaml, false)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String api = "http://127.0.0.1:" + dev.weft.rest.Http.apiOf(f.controller).getPort();
            int rc = ClientCommands.run("security-groups", new String[] {"--api", api},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            assertTrue(text.contains("ingress tcp 5432 from group web"), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("acme") && l.contains("admin")
                    && l.contains("(no rules: nothing in)") && l.contains("acme-admin1")), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("globex") && l.contains("ingress tcp 443")), text);
            out.reset();
            assertEquals(0, ClientCommands.run("security-groups", new String[] {"--api", api, "--tenant", "globex"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(out.toString(StandardCharsets.UTF_8).lines().noneMatch(l -> l.startsWith("acme")),
                    out.toString(StandardCharsets.UTF_8));
        }
    }
}
