package dev.weft.core.app;

import dev.weft.api.AppCookie;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Stable cookie ids for apps, derived from their names so they survive restarts (a restarted
 * controller recognises its flows). Two enabled apps whose ids collide are an error.
 */
public final class AppCookies {
    private AppCookies() {
    }

    public static int idFor(String appName) {
        CRC32 crc = new CRC32();
        crc.update(appName.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % AppCookie.MAX_APP_ID) + 1;
    }

    public static Map<String, AppCookie> assign(List<String> names) {
        Map<Integer, String> taken = new HashMap<>();
        Map<String, AppCookie> result = new HashMap<>();
        for (String n : names) {
            int id = idFor(n);
            String other = taken.putIfAbsent(id, n);
            if (other != null) {
                throw new AppLoadException("apps '" + other + "' and '" + n + "' would share flow cookie id " + id
                        + "; rename one of them");
            }
            result.put(n, new AppCookie(id, 0, 0));
        }
        return result;
    }
}
