package dev.weft.fakes;

import dev.weft.api.host.Host;
import dev.weft.api.host.HostService;
import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A host service whose hosts the test puts in by hand (register it with {@link AppHarness#service}). */
public final class FakeHostService implements HostService {
    private record Key(MacAddress mac, VlanVid vlan) {
    }

    private final Map<Key, Host> hosts = new ConcurrentHashMap<>();

    /** An untagged host at {@code location} with no known address. */
    public Host put(MacAddress mac, SwitchPort location) {
        return put(new Host(mac, VlanVid.ZERO, location, Set.of(), Instant.EPOCH, Instant.EPOCH));
    }

    public Host put(Host h) {
        hosts.put(new Key(h.mac(), h.vlan()), h);
        return h;
    }

    public void remove(MacAddress mac, VlanVid vlan) {
        hosts.remove(new Key(mac, vlan));
    }

    @Override
    public Optional<Host> get(MacAddress mac, VlanVid vlan) {
        return Optional.ofNullable(hosts.get(new Key(mac, vlan)));
    }

    @Override
    public Collection<Host> all() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Collection<Host> at(SwitchPort location) {
        return hosts.values().stream().filter(h -> h.location().equals(location)).toList();
    }

    @Override
    public Collection<Host> byIp(IPv4Address ip) {
        return hosts.values().stream().filter(h -> h.ips().contains(ip)).toList();
    }
}
