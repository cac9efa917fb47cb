package dev.weft.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * {@code kill -HUP} reloads the config file. The JDK's only hook for signals is
 * {@code sun.misc.Signal} (module jdk.unsupported); it is reached by reflection so the build stays
 * free of warnings about internal APIs, and a JVM without it just has no SIGHUP reload (logged).
 */
final class Sighup {
    private static final Logger log = LoggerFactory.getLogger(Sighup.class);

    private Sighup() {
    }

    static void onSighup(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Constructor<?> make = signal.getConstructor(String.class);
            Method handle = signal.getMethod("handle", signal, handler);
            Object h = Proxy.newProxyInstance(Sighup.class.getClassLoader(), new Class<?>[]{handler}, (p, m, args) -> {
                if (m.getName().equals("handle")) {
                    log.info("SIGHUP: reloading the config file");
                    action.run();
                }
                return null;
            });
            handle.invoke(null, make.newInstance("HUP"), h);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("SIGHUP reload not available on this JVM ({}); the config file is still watched", e.toString());
        }
    }
}
