package dev.weft.core.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppCatalogTest {
    @TempDir
    Path plugins;

    private ClassLoader base() {
        return getClass().getClassLoader();
    }

    @Test
    void findsAppsInPluginJars() throws Exception {
        PluginJars.build(plugins.resolve("hello.jar"),
                Map.of("acme.Hello", PluginJars.flowOnConnectApp("acme", "Hello", "hello", 1)), List.of("acme.Hello"));
        AppCatalog c = AppCatalog.discover(base(), Optional.of(plugins));
        assertTrue(c.names().contains("hello"), c.names().toString());
        assertEquals("hello.jar", c.get("hello").orElseThrow().source());
        c.close();
    }

    @Test
    void unknownAppNamesWhatIsAvailable() throws Exception {
        PluginJars.build(plugins.resolve("hello.jar"),
                Map.of("acme.Hello", PluginJars.flowOnConnectApp("acme", "Hello", "hello", 1)), List.of("acme.Hello"));
        AppCatalog c = AppCatalog.discover(base(), Optional.of(plugins));
        AppLoadException e = assertThrows(AppLoadException.class, () -> c.select(List.of("helo")));
        assertEquals("unknown app 'helo'; available: hello", e.getMessage());
    }

    @Test
    void appEnabledTwiceIsAnError() throws Exception {
        PluginJars.build(plugins.resolve("hello.jar"),
                Map.of("acme.Hello", PluginJars.flowOnConnectApp("acme", "Hello", "hello", 1)), List.of("acme.Hello"));
        AppCatalog c = AppCatalog.discover(base(), Optional.of(plugins));
        AppLoadException e = assertThrows(AppLoadException.class, () -> c.select(List.of("hello", "hello")));
        assertTrue(e.getMessage().contains("enabled twice"), e.getMessage());
    }

    @Test
    void twoAppsWithOneNameAreAnError() throws Exception {
        PluginJars.build(plugins.resolve("a.jar"),
                Map.of("acme.A", PluginJars.flowOnConnectApp("acme", "A", "same", 1)), List.of("acme.A"));
        PluginJars.build(plugins.resolve("b.jar"),
                Map.of("other.B", PluginJars.flowOnConnectApp("other", "B", "same", 2)), List.of("other.B"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> AppCatalog.discover(base(), Optional.of(plugins)));
        assertTrue(e.getMessage().contains("two apps are named 'same'") && e.getMessage().contains("acme.A from a.jar")
                && e.getMessage().contains("other.B from b.jar"), e.getMessage());
    }

    @Test
    void appWhoseConstructorThrowsIsReportedWithItsJar() throws Exception {
        String src = """
                package acme;
                public class Broken implements dev.weft.api.App {
                    public Broken() { throw new IllegalStateException("no licence key"); }
                    public String name() { return "broken"; }
                    public void start(dev.weft.api.AppContext ctx) { }
                }
                """;
        PluginJars.build(plugins.resolve("broken.jar"), Map.of("acme.Broken", src), List.of("acme.Broken"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> AppCatalog.discover(base(), Optional.of(plugins)));
        assertTrue(e.getMessage().contains("acme.Broken from broken.jar") && e.getMessage().contains("no licence key"),
                e.getMessage());
    }

    @Test
    void invalidAppNameIsRejected() throws Exception {
        PluginJars.build(plugins.resolve("x.jar"),
                Map.of("acme.X", PluginJars.flowOnConnectApp("acme", "X", "Bad Name", 1)), List.of("acme.X"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> AppCatalog.discover(base(), Optional.of(plugins)));
        assertTrue(e.getMessage().contains("invalid name 'Bad Name'"), e.getMessage());
    }

    @Test
    void missingPluginDirectoryIsAClearError() {
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> AppCatalog.discover(base(), Optional.of(plugins.resolve("nope"))));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void cookieIdsAreStableAndCollisionsFail() {
        assertEquals(AppCookies.idFor("learning-switch"), AppCookies.idFor("learning-switch"));
        assertTrue(AppCookies.idFor("a") >= 1 && AppCookies.idFor("a") <= 4095);
        assertEquals(2, AppCookies.assign(List.of("a", "b")).size());
    }

    @Test
    void emptyPluginDirectoryIsFine() throws Exception {
        Files.createDirectories(plugins);
        AppCatalog c = AppCatalog.discover(base(), Optional.of(plugins));
        assertTrue(c.names().isEmpty() || !c.names().contains("hello"));
    }
}
