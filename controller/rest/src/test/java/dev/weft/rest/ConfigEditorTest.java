package dev.weft.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The write path on its own: comments kept, atomic replacement, symlinks and permissions respected. */
class ConfigEditorTest {
    static final String YAML = """
            # Weft at the lab.
            controller:
              apps: [isolation, tenant-networks]   # the chain
            tenants:
              - name: acme        # our first customer
                networks:
                  - name: web
                    segment: 5001
                    ports: []
            """;
    private static final ReloadResult APPLIED = new ReloadResult(ReloadResult.Outcome.APPLIED, "ok", Set.of());

    private static ConfigEditor.Outcome addNetwork(Path file, String json) throws Exception {
        return new ConfigEditor(file, cfg -> APPLIED).apply(ConfigEditor.Edit.add(
                List.of(new ConfigEditor.Step("tenants", "acme", "tenant")), "networks", "network",
                new ObjectMapper().readTree(json)));
    }

    @Test
    void anEntryIsAddedKeepingCommentsAndStyle(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("weft.yaml"), YAML);
        ConfigEditor.Outcome o = addNetwork(file, """
                {"name": "db", "segment": 5002, "ports": [{"name": "db1", "mac": "02:00:00:00:00:01",
                 "ips": ["10.0.2.1"], "binding": {"interface": "vm-db1"}}]}""");
        String text = Files.readString(file);
        assertTrue(o.commentsKept());
        assertEquals("tenants[0].networks[1]", o.path());
        for (String kept : List.of("# Weft at the lab.", "# the chain", "# our first customer")) {
            assertTrue(text.contains(kept), kept + " in\n" + text);
        }
        assertTrue(text.contains("ips: [10.0.2.1]") && text.contains("binding: {interface: vm-db1}"), text);
        assertTrue(text.contains("mac: 02:00:00:00:00:01") || text.contains("mac: '02:00:00:00:00:01'")
                || text.contains("mac: \"02:00:00:00:00:01\""), text);
        assertEquals(o.config().network(), ConfigLoader.parse(text, "x").network());
        assertEquals(5002, ConfigLoader.parse(text, "x").network().port("db1").orElseThrow().segment());
        assertEquals(List.of(file), Files.list(dir).toList(), "no temporary file left");
    }

    @Test
    void aSymlinkedFileStaysALinkAndKeepsItsPermissions(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("real.yaml"), YAML);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("weft.yaml"), real);
        addNetwork(link, "{\"name\": \"db\", \"segment\": 5002}");
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.readString(real).contains("segment: 5002"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }

    @Test
    void nothingIsWrittenWhenTheChangeIsInvalid(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("weft.yaml"), YAML);
        ApiException e = assertThrows(ApiException.class, () -> addNetwork(file, "{\"name\": \"web\", \"segment\": 7}"));
        assertEquals(409, e.status().code());
        assertEquals("name", e.field());
        assertEquals("tenants[0].networks[1].name: tenant 'acme' has two networks named 'web'", e.getMessage());
        assertEquals(YAML, Files.readString(file));
        ApiException bad = assertThrows(ApiException.class, () -> addNetwork(file, "{\"name\": \"x\", \"segment\": 0}"));
        assertEquals(400, bad.status().code());
        assertEquals(YAML, Files.readString(file));
    }

    @Test
    void anEmptyFileGetsItsFirstTenant(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("weft.yaml"), "");
        new ConfigEditor(file, cfg -> APPLIED).apply(ConfigEditor.Edit.add(List.of(), "tenants", "tenant",
                new ObjectMapper().readTree("{\"name\": \"acme\"}")));
        assertEquals(1, ConfigLoader.load(file).network().tenants().size());
    }
}
