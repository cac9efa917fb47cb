package com.example.weft;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sample third-party app: drops every frame from a list of source MAC addresses. It installs a
 * drop entry on each switch as it connects (so blocked traffic never reaches the controller) and,
 * being placed before the forwarding app in the chain, stops packet-ins from blocked addresses
 * that arrive before the entry is in place.
 *
 * <p>Built against {@code weft-api} only, packaged as a jar with a
 * {@code META-INF/services/dev.weft.api.App} file, and loaded from Weft's plugin directory.
 */
public final class MacBlocklist implements App {
    private static final Logger log = LoggerFactory.getLogger(MacBlocklist.class);

    private Set<MacAddress> blocked = Set.of();
    private int priority;
    private AppContext ctx;

    @Override
    public String name() {
        return "mac-blocklist";
    }

    @Override
    public void start(AppContext ctx) {
        this.ctx = ctx;
        MacBlocklistConfig cfg = ctx.config(MacBlocklistConfig.class);
        try {
            blocked = cfg.macs().stream().map(MacAddress::of).collect(Collectors.toUnmodifiableSet());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("apps.mac-blocklist.macs: " + e.getMessage(), e);
        }
        priority = cfg.priority();
        ctx.on(SwitchConnected.class, e -> {
            installDrops(e.sw());
            return Disposition.CONTINUE;
        });
        ctx.on(PacketIn.class, e -> blocked.contains(e.frame().src()) ? Disposition.STOP : Disposition.CONTINUE);
        log.info("blocking {} MAC address(es)", blocked.size());
    }

    private void installDrops(Switch sw) {
        OFFactory f = sw.factory();
        for (MacAddress mac : blocked) {
            // No actions: drop.
            sw.send(f.buildFlowAdd()
                    .setCookie(ctx.cookie().toU64())
                    .setPriority(priority)
                    .setMatch(f.buildMatch().setExact(MatchField.ETH_SRC, mac).build())
                    .setActions(List.of())
                    .build());
        }
    }
}
