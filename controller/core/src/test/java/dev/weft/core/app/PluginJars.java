package dev.weft.core.app;

import dev.weft.api.App;
import org.projectfloodlight.openflow.protocol.OFMessage;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds app jars at test time, compiled against the API only, as a third party would. */
public final class PluginJars {
    private PluginJars() {
    }

    /**
     * Compile {@code sources} (class name → source) into a jar at {@code jar} whose service file
     * lists {@code providers}.
     */
    public static Path build(Path jar, Map<String, String> sources, List<String> providers) throws IOException {
        Path work = Files.createTempDirectory("weft-plugin-src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path f = work.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        String cp = location(App.class) + java.io.File.pathSeparator + location(OFMessage.class);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-cp", cp, "-d", classes.toString()));
        args.addAll(files);
        int rc = javac.run(null, err, err, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("plugin did not compile:\n" + err.toString(StandardCharsets.UTF_8));
        }
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/services/" + App.class.getName()));
            j.write(String.join("\n", providers).concat("\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Source of an app named {@code name} that sends a FLOW_ADD with {@code priority} when a switch connects. */
    public static String flowOnConnectApp(String pkg, String cls, String name, int priority) {
        return """
                package %s;
                import dev.weft.api.*;
                import dev.weft.api.event.SwitchConnected;
                public class %s implements App {
                    public String name() { return "%s"; }
                    public void start(AppContext ctx) {
                        ctx.on(SwitchConnected.class, e -> {
                            e.sw().send(e.sw().factory().buildFlowAdd().setPriority(%d).build());
                            return Disposition.CONTINUE;
                        });
                    }
                }
                """.formatted(pkg, cls, name, priority);
    }
}
