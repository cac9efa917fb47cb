package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console as a person sees it, in headless Chromium, against a simulated site: the
 * hypervisors and their VMs, a VM's place changing when it moves, a tenant's traffic growing, the
 * flow tables; and with a token, the page asking for it and keeping it out of every address.
 * Screenshots go to {@code target/surefire-reports/console/} and are attached to the report.
 */
@RequiresTools({"chromium", "chromedriver"})
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleInBrowserTest {
    private static final Path SHOTS = Path.of("target", "surefire-reports", "console");

    @TempDir
    Path dir;

    private void shot(Chrome c, TestInfo t, String name) throws Exception {
        Files.createDirectories(SHOTS);
        Path f = SHOTS.resolve(t.getTestMethod().orElseThrow().getName() + "-" + name + ".png").toAbsolutePath();
        Files.write(f, c.screenshot());
        System.out.println("[[ATTACHMENT|" + f + "]]");
    }

    @Test
    void thePageShowsTheHypervisorsAMoveAndTrafficGrowing(TestInfo info) throws Exception {
        try (ConsoleSite s = ConsoleSite.started(false); Chrome c = Chrome.start(dir.resolve("chrome"))) {
            c.open(s.base + "/");
            // The hypervisors, each connected and in sync, with its VMs.
            c.await("three hypervisors in sync", () -> c.script("return [...document.querySelectorAll('#hypervisors .hv')]"
                    + ".filter(e => e.innerText.includes('connected, in sync')).length").asInt() == 3);
            for (String hv : new String[]{"hv1", "hv2", "hv3"}) {
                assertTrue(c.text(".hv[data-node=" + hv + "] .hv-name").equals(hv));
            }
            assertTrue(c.shown(".hv[data-node=hv1] .vm[data-port=acme-web1]"), "acme-web1 on hv1");
            assertTrue(c.text(".hv[data-node=hv2]").contains("globex-web1"), c.text(".hv[data-node=hv2]"));
            c.await("live updates", () -> "Live".equals(c.text("#live")));
            assertEquals("Ready", c.text("#health"));
            c.await("tunnels drawn", () -> c.script("return document.querySelectorAll('#tunnels path.ok').length")
                    .asInt() == 3);
            shot(c, info, "1-hypervisors");

            // A VM moves: the page shows it on its new hypervisor without being reloaded.
            c.script("window.notReloaded = true;");
            long moved = System.nanoTime();
            s.net.moveHost("acme-web1", "hv3", null);
            c.await("acme-web1 on hv3", () -> c.shown(".hv[data-node=hv3] .vm[data-port=acme-web1]"));
            System.out.printf("[console] the page showed acme-web1 on hv3 %.0f ms after the move started (polled every"
                    + " 20 ms)%n", (System.nanoTime() - moved) / 1e6);
            assertFalse(c.shown(".hv[data-node=hv1] .vm[data-port=acme-web1]"), "no longer on hv1");
            assertTrue(c.script("return window.notReloaded === true").asBoolean(), "updated in place");
            int port = s.controller.tenants().location("acme-web1").orElseThrow().port().getPortNumber();
            c.await("the migration listed", () -> String.valueOf(c.text("#recent-migrations"))
                    .contains("acme-web1: hv1 port 3 → hv3 port " + port));
            shot(c, info, "2-after-move");
            c.click("a[data-tab=tenants]");
            c.await("the tenants tab", () -> c.shown("#tenants tr[data-port=acme-web1]"));
            assertEquals("hv3 port " + port, c.text("#tenants tr[data-port=acme-web1] td.location"));
            shot(c, info, "3-tenants");

            // Traffic: what acme sends shows up and grows.
            c.click("a[data-tab=traffic]");
            c.await("acme's traffic", () -> c.shown("#tenant-traffic .card[data-tenant=acme] .tx-bytes"));
            long before = frames(c.text("#tenant-traffic .card[data-tenant=acme] .tx-bytes"));
            s.send("acme-web2", "acme-web1", 200);
            c.await("acme's frames grown by 200", () ->
                    frames(c.text("#tenant-traffic .card[data-tenant=acme] .tx-bytes")) >= before + 200);
            shot(c, info, "4-traffic");

            // The flow table of a hypervisor, desired next to installed.
            c.click("a[data-tab=flows]");
            c.click("#flow-switch option[value='" + s.config.node("hv2").orElseThrow().dpid() + "']");
            c.await("hv2's flow entries", () -> c.script("return document.querySelectorAll('#flows tr[data-state]')"
                    + ".length").asInt() > 10);
            assertEquals(0, c.script("return document.querySelectorAll('#flows tr[data-state]:not([data-state=in-place])')"
                    + ".length").asInt(), "every entry in place");
            assertTrue(c.text("#flow-counts").contains("installed of"), c.text("#flow-counts"));
            shot(c, info, "5-flows");
            c.click("a[data-tab=migrations]");
            c.await("the migrations table", () -> c.shown("#migrations tr[data-seq='1']"));
            shot(c, info, "6-migrations");
            assertNoErrors(c);
        }
    }

    /** "12.3 kB · 1,234 frames" → 1234. */
    private static long frames(String text) {
        Matcher m = Pattern.compile("([\\d,]+) frames").matcher(text == null ? "" : text);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    /** No script error (answers such as a 404 for a route this controller does not have are not errors of the page). */
    private static void assertNoErrors(Chrome c) throws Exception {
        for (JsonNode e : c.consoleLog()) {
            assertFalse(e.path("level").asText().equals("SEVERE") && !e.path("source").asText().equals("network"),
                    "the page logged an error: " + e);
        }
    }

    @Test
    void withATokenThePageAsksForItAndNeverPutsItInAnAddress(TestInfo info) throws Exception {
        try (ConsoleSite s = ConsoleSite.started(true); Chrome c = Chrome.start(dir.resolve("chrome"))) {
            c.open(s.base + "/");
            c.await("the token dialog", () -> c.shown("#token-dialog"));
            shot(c, info, "1-token-asked");
            c.type("#token-input", "not-the-token");
            c.click("#token-dialog button[type=submit]");
            c.await("the wrong token refused", () -> c.shown("#token-error"));
            c.type("#token-input", ConsoleSite.TOKEN);
            c.click("#token-dialog button[type=submit]");
            c.await("the hypervisors", () -> c.script("return document.querySelectorAll('#hypervisors .hv').length")
                    .asInt() == 3);
            c.await("live updates", () -> "Live".equals(c.text("#live")));
            shot(c, info, "2-signed-in");
            // Not in the address bar, nor in any address the page fetched.
            String urls = c.script("return location.href + ' ' + performance.getEntries().map(e => e.name).join(' ')")
                    .asText();
            assertTrue(urls.contains("/api/v1/tenants"), urls);
            assertFalse(urls.contains(ConsoleSite.TOKEN), urls);
            // Kept for this tab only.
            assertEquals(ConsoleSite.TOKEN, c.script("return sessionStorage.getItem('weft-token')").asText());
            assertTrue(c.script("return localStorage.length").asInt() == 0);
            assertNoErrors(c);
        }
    }
}
