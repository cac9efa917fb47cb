package dev.weft.core.app;

import dev.weft.api.App;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The apps this controller can run: every {@link App} provider on the classpath and in the jars
 * of the plugin directory, found with {@link ServiceLoader}. Two providers with one name, an
 * unknown name or a name enabled twice are errors that stop the controller from starting.
 */
public final class AppCatalog {
    private static final Logger log = LoggerFactory.getLogger(AppCatalog.class);

    /** A discovered app and where it came from (a jar or a directory). */
    public record Entry(App app, String source) {
    }

    private final Map<String, Entry> byName;
    private final ClassLoader loader;

    private AppCatalog(Map<String, Entry> byName, ClassLoader loader) {
        this.byName = byName;
        this.loader = loader;
    }

    public static AppCatalog discover(ClassLoader parent, Optional<Path> pluginDir) {
        ClassLoader loader = pluginDir.map(dir -> pluginLoader(dir, parent)).orElse(parent);
        Map<String, Entry> found = new LinkedHashMap<>();
        ServiceLoader<App> sl = ServiceLoader.load(App.class, loader);
        var it = sl.stream().iterator();
        while (true) {
            ServiceLoader.Provider<App> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                throw new AppLoadException("cannot load an app: " + e.getMessage(), e);
            }
            String source = sourceOf(p.type());
            App app;
            try {
                app = p.get();
            } catch (ServiceConfigurationError e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new AppLoadException("cannot create app " + p.type().getName() + " from " + source + ": " + cause, e);
            }
            String name = app.name();
            if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
                throw new AppLoadException("app " + p.type().getName() + " from " + source + " has an invalid name '"
                        + name + "' (use lower-case letters, digits and dashes)");
            }
            Entry previous = found.putIfAbsent(name, new Entry(app, source));
            if (previous != null) {
                throw new AppLoadException("two apps are named '" + name + "': " + previous.app().getClass().getName()
                        + " from " + previous.source() + " and " + p.type().getName() + " from " + source);
            }
        }
        return new AppCatalog(found, loader);
    }

    private static ClassLoader pluginLoader(Path dir, ClassLoader parent) {
        if (!Files.isDirectory(dir)) {
            throw new AppLoadException("plugin directory " + dir + " does not exist or is not a directory");
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(p.toUri().toURL());
            }
        } catch (IOException e) {
            throw new AppLoadException("cannot list plugin directory " + dir + ": " + e.getMessage(), e);
        }
        log.info("plugin directory {}: {} jar(s)", dir, jars.size());
        return new URLClassLoader("weft-plugins", jars.toArray(URL[]::new), parent);
    }

    private static String sourceOf(Class<?> type) {
        try {
            var cs = type.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                return Path.of(cs.getLocation().toURI()).getFileName().toString();
            }
        } catch (Exception e) {
            // fall through: the source is only for messages
        }
        return "the classpath";
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public ClassLoader classLoader() {
        return loader;
    }

    /** The enabled apps, in the order given; fails on unknown or duplicate names. */
    public List<Entry> select(List<String> enabled) {
        List<Entry> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : enabled) {
            if (!seen.add(name)) {
                throw new AppLoadException("app '" + name + "' is enabled twice; each app runs once, at one place in the chain");
            }
            Entry e = byName.get(name);
            if (e == null) {
                throw new AppLoadException("unknown app '" + name + "'; available: "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet().stream().sorted().toList())));
            }
            result.add(e);
        }
        return result;
    }

    public Optional<Entry> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Keep the class loader of plugin jars open for as long as the controller runs; close it after. */
    public void close() {
        if (loader instanceof URLClassLoader u) {
            try {
                u.close();
            } catch (IOException e) {
                log.debug("closing the plugin class loader: {}", e.toString());
            }
        }
    }
}
