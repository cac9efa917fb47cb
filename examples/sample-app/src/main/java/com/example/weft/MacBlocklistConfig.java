package com.example.weft;

import java.util.List;

/**
 * {@code apps: mac-blocklist:} in Weft's config file.
 *
 * @param macs     source MAC addresses to block, e.g. {@code ["02:00:00:00:00:66"]}
 * @param priority priority of the drop entries; above the forwarding app's (default 1000)
 */
public record MacBlocklistConfig(List<String> macs, Integer priority) {
    public MacBlocklistConfig {
        macs = macs == null ? List.of() : List.copyOf(macs);
        priority = priority == null ? 1000 : priority;
    }
}
