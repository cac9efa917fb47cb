package dev.weft.core.tenant;

import dev.weft.api.Disposition;
import dev.weft.api.event.InterfaceChanged;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.fakes.FakeSwitch;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who locates logical ports: the core by default, an app after it takes over; what is reported either way. */
class TenantManagerTest {
    static final DatapathId HV1 = DatapathId.of(0xa1);
    static final DatapathId HV2 = DatapathId.of(0xa2);
    static final LogicalPort WEB1 = new LogicalPort("web1", "acme", "web", 5001, MacAddress.of("02:00:00:00:00:01"),
            List.of(IPv4Address.of("10.0.0.1")), new Binding.Interface("vm-web1"));
    static final NetworkConfig CONFIG = new NetworkConfig(
            List.of(new TransportNode("hv1", HV1, IPv4Address.of("10.77.0.1")),
                    new TransportNode("hv2", HV2, IPv4Address.of("10.77.0.2"))),
            List.of(new Tenant("acme", List.of(new LogicalNetwork("acme", "web", 5001, Optional.empty(),
                    List.of(WEB1))))));

    final DefaultEventLoop loop = new DefaultEventLoop();
    final Lane control = new Lane(-2, loop);
    final EventBus bus = new EventBus();
    final TenantManager tenants = new TenantManager(control, bus);
    final List<NetworkEvent> events = new ArrayList<>();

    TenantManagerTest() {
        tenants.subscribe();
        AppHandle recorder = new AppHandle("recorder", 0);
        bus.subscribe(recorder, InterfaceChanged.class, e -> record(e));
        bus.subscribe(recorder, LogicalPortLocated.class, e -> record(e));
    }

    private Disposition record(NetworkEvent e) {
        events.add(e);
        return Disposition.CONTINUE;
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Wait until what is queued on the control lane now has run. */
    void drain() throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        control.execute(() -> control.execute(() -> f.complete(null)));
        f.get(5, TimeUnit.SECONDS);
    }

    void connect(FakeSwitch sw) throws Exception {
        bus.dispatch(new SwitchConnected(sw));
        drain();
    }

    void portStatus(FakeSwitch sw, OFPortReason reason, OFPortDesc p) throws Exception {
        bus.dispatch(new PortStatusChanged(sw, reason, p, Optional.empty()));
        drain();
    }

    List<InterfaceChanged> reports() {
        return events.stream().filter(e -> e instanceof InterfaceChanged).map(e -> (InterfaceChanged) e).toList();
    }

    @Test
    void theCoreLocatesByInterfaceByDefault() throws Exception {
        tenants.apply(CONFIG);
        FakeSwitch hv1 = new FakeSwitch(HV1, OFVersion.OF_13);
        hv1.addPort(3, "vm-web1");
        connect(hv1);
        assertEquals(Optional.of(new PortLocation(HV1, OFPort.of(3))), tenants.location("web1"));
        InterfaceChanged seen = reports().get(0);
        assertTrue(seen.present());
        assertEquals("switch connected", seen.cause());
        assertTrue(seen.seenNanos() > 0);

        FakeSwitch hv2 = new FakeSwitch(HV2, OFVersion.OF_13);
        connect(hv2);
        portStatus(hv2, OFPortReason.ADD, hv2.addPort(7, "vm-web1"));
        assertEquals(Optional.of(new PortLocation(HV2, OFPort.of(7))), tenants.location("web1"),
                "without an app deciding, the last port added wins");
        portStatus(hv1, OFPortReason.DELETE, FakeSwitch.portDesc(hv1.factory(), OFPort.of(3), "vm-web1", false));
        assertEquals(Optional.of(new PortLocation(HV2, OFPort.of(7))), tenants.location("web1"),
                "deleting a port it is not at changes nothing");
        LogicalPortLocated last = (LogicalPortLocated) events.stream().filter(e -> e instanceof LogicalPortLocated)
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("port vm-web1 added on hv2", last.cause());
    }

    @Test
    void afterATakeOverOnlyTheAppLocatesAndItIsToldEverything() throws Exception {
        tenants.locationControl().takeOver();
        tenants.apply(CONFIG);
        FakeSwitch hv1 = new FakeSwitch(HV1, OFVersion.OF_13);
        hv1.addPort(3, "vm-web1");
        connect(hv1);
        assertEquals(Optional.empty(), tenants.location("web1"), "reported, not located");
        assertEquals(1, reports().size());

        // The app decides, on the control lane.
        PortLocation at = new PortLocation(HV1, OFPort.of(3));
        CompletableFuture<Void> done = new CompletableFuture<>();
        control.execute(() -> {
            tenants.locationControl().locate(WEB1, Optional.of(at), "the app said so");
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(at), tenants.location("web1"));
        assertInstanceOf(LogicalPortLocated.class, events.get(events.size() - 1));
        ExecutionException off = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(
                () -> tenants.locationControl().locate(WEB1, Optional.empty(), "off the lane")).get());
        assertInstanceOf(IllegalStateException.class, off.getCause());

        // A reconnect without the port reports it gone; the location stays the app's business.
        FakeSwitch again = new FakeSwitch(HV1, OFVersion.OF_13);
        connect(again);
        InterfaceChanged gone = reports().get(reports().size() - 1);
        assertEquals(false, gone.present());
        assertEquals(at, gone.at());
        assertTrue(gone.cause().contains("no longer on"), gone.cause());
        assertEquals(Optional.of(at), tenants.location("web1"));

        // A new configuration: present interfaces are reported again.
        again.addPort(4, "vm-web1");
        portStatus(again, OFPortReason.ADD, again.port(OFPort.of(4)).orElseThrow());
        int before = reports().size();
        tenants.apply(new NetworkConfig(CONFIG.transportNodes(), CONFIG.tenants()));
        drain();
        assertTrue(reports().size() > before, "re-reported after the configuration changed");
        assertEquals("configuration changed", reports().get(reports().size() - 1).cause());
    }

    @Test
    void aSwitchThatIsNotATransportNodeBindsNothing() throws Exception {
        tenants.apply(CONFIG);
        FakeSwitch other = new FakeSwitch(DatapathId.of(0x99), OFVersion.OF_13);
        other.addPort(1, "vm-web1");
        connect(other);
        assertEquals(Map.of(), tenants.locations());
        assertEquals(List.of(), reports());
    }

    static final LogicalPort DB1 = new LogicalPort("db1", "acme", "web", 5001, MacAddress.of("02:00:00:00:00:09"),
            List.of(IPv4Address.of("10.0.0.9")), new Binding.IfaceId());

    static NetworkConfig withDb1() {
        return new NetworkConfig(CONFIG.transportNodes(), List.of(new Tenant("acme", List.of(new LogicalNetwork(
                "acme", "web", 5001, Optional.empty(), List.of(WEB1, DB1))))));
    }

    /**
     * A port bound by iface-id moves on PORT_STATUS when the OVSDB named its interface first (the
     * row is in the database before vswitchd adds the port): it does not wait for the OpenFlow
     * port number that vswitchd writes back after. The later OVSDB report changes nothing.
     */
    @Test
    void anIfaceIdNamedByTheOvsdbIsLocatedByPortStatus() throws Exception {
        tenants.apply(withDb1());
        FakeSwitch hv1 = new FakeSwitch(HV1, OFVersion.OF_13);
        FakeSwitch hv2 = new FakeSwitch(HV2, OFVersion.OF_13);
        connect(hv1);
        connect(hv2);
        tenants.interfaceNamed(HV1, "tap-x", Optional.of("db1"), java.time.Instant.now(), System.nanoTime());
        drain();
        assertEquals(Optional.empty(), tenants.location("db1"), "named, but no port yet");
        portStatus(hv1, OFPortReason.ADD, hv1.addPort(4, "tap-x"));
        assertEquals(Optional.of(new PortLocation(HV1, OFPort.of(4))), tenants.location("db1"));
        InterfaceChanged seen = reports().get(reports().size() - 1);
        assertTrue(seen.cause().contains("port tap-x added on hv1, iface-id db1"), seen.cause());
        int before = events.size();
        tenants.interfaceReported(HV1, "tap-x", Optional.of("db1"), OFPort.of(4), true, java.time.Instant.now(),
                System.nanoTime());
        drain();
        assertEquals(before, events.size(), "the OVSDB's later report is no news: " + events.subList(before,
                events.size()));
        // It moves: deleted on hv1 (PORT_STATUS), named on hv2, added there (PORT_STATUS).
        portStatus(hv1, OFPortReason.DELETE, FakeSwitch.portDesc(hv1.factory(), OFPort.of(4), "tap-x", false));
        assertEquals(Optional.empty(), tenants.location("db1"));
        tenants.interfaceNamed(HV2, "tap-y", Optional.of("db1"), java.time.Instant.now(), System.nanoTime());
        drain();
        portStatus(hv2, OFPortReason.ADD, hv2.addPort(9, "tap-y"));
        assertEquals(Optional.of(new PortLocation(HV2, OFPort.of(9))), tenants.location("db1"));
    }

    /** The other order: PORT_STATUS first, then the OVSDB names the interface: located then. */
    @Test
    void aPortShownBeforeItsIfaceIdIsLocatedWhenTheOvsdbNamesIt() throws Exception {
        tenants.apply(withDb1());
        FakeSwitch hv1 = new FakeSwitch(HV1, OFVersion.OF_13);
        connect(hv1);
        portStatus(hv1, OFPortReason.ADD, hv1.addPort(5, "tap-z"));
        assertEquals(Optional.empty(), tenants.location("db1"), "a name that binds nothing");
        tenants.interfaceNamed(HV1, "tap-z", Optional.of("db1"), java.time.Instant.now(), System.nanoTime());
        drain();
        assertEquals(Optional.of(new PortLocation(HV1, OFPort.of(5))), tenants.location("db1"));
        // An interface named with an iface-id no port has, and a switch that is no transport node: nothing.
        tenants.interfaceNamed(HV1, "tap-q", Optional.of("ghost"), java.time.Instant.now(), System.nanoTime());
        tenants.interfaceNamed(DatapathId.of(0xee), "tap-z", Optional.of("db1"), java.time.Instant.now(),
                System.nanoTime());
        drain();
        assertEquals(Optional.of(new PortLocation(HV1, OFPort.of(5))), tenants.location("db1"));
    }
}
