package dev.weft.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Process signals for {@code weft controller}: SIGHUP reloads the config file; SIGINT (Ctrl-C)
 * and SIGTERM (systemd, {@code kill}) stop Weft cleanly with exit code 0, instead of the JVM's
 * default 130 and 143. The JDK's only hook for signals is {@code sun.misc.Signal} (module
 * jdk.unsupported); it is reached by reflection so the build stays free of warnings about
 * internal APIs, and a JVM without it keeps its default behaviour (logged).
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Run {@code action} (on the JVM's signal thread) when the process receives {@code SIG<name>}. */
    static boolean on(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Constructor<?> make = signal.getConstructor(String.class);
            Method handle = signal.getMethod("handle", signal, handler);
            Object h = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[]{handler}, (p, m, args) -> {
                if (m.getName().equals("handle")) {
                    action.run();
                }
                return null;
            });
            handle.invoke(null, make.newInstance(name), h);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("SIG{} handling not available on this JVM ({})", name, e.toString());
            return false;
        }
    }
}
