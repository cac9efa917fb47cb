package dev.weft.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.ovs.OvsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Weft's multi-hypervisor Open vSwitch testbed, for JUnit: a thin client of {@code
 * examples/testbed/testbed.py}, which builds and removes everything (one implementation).
 *
 * <p>{@link #up} builds, from a Weft tenant config file, one network namespace per transport
 * node ("hypervisor") running its own ovsdb-server and ovs-vswitchd (userspace datapath) with
 * an integration bridge {@code br-int} (datapath id from the config, OpenFlow 1.3, fail-mode
 * secure, a VXLAN port {@code vx-<other>} to every other hypervisor with {@code key=flow}), an
 * underlay over which the tunnels run, a management network from every hypervisor to the root
 * namespace, and one namespace per VM (a logical port with {@code binding.interface}) whose
 * {@code eth0} has the port's MAC and IPs and whose peer, named as the binding's interface, is
 * a port of its hypervisor's {@code br-int}.
 *
 * <p>The controller runs in the root namespace. Pass {@code tcp:mgmt:PORT} as the controller:
 * the switches then connect to {@link #mgmtAddress()}:PORT, where the controller must listen
 * (that address exists once {@code up} returns). Open vSwitch backs off up to 8 s between
 * connection attempts; after starting the controller, {@link #connectController()} makes every
 * switch connect at once.
 *
 * <p>Every call is bounded in time. {@link #close()} always tears everything down (also from a
 * JVM shutdown hook); if the JVM is killed, the script's watchdog tears the testbed down when
 * it sees this JVM gone, and the next {@code up} removes any leftovers of a killed {@code up}.
 * Traffic only ever flows between namespaces that the testbed created.
 */
public final class Testbed implements AutoCloseable {
  public static final String SCRIPT = "examples/testbed/testbed.py";
  /** Tools the testbed needs besides those {@code @RequiresOvs} always checks. */
  public static final String[] TOOLS = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "arping",
      "tcpdump"};
  /** Python modules the script imports ({@code python3-yaml}). */
  public static final String[] PYTHON_MODULES = {"yaml"};

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A hypervisor: config name, namespace, datapath id (16 hex digits), addresses, OVS dir. */
  public record Hypervisor(String name, String namespace, String dpid, String tunnelIp,
      String mgmtIp, Path dir) {}

  /**
   * A VM: logical port name, tenant, network, segment, namespace, current hypervisor, interface
   * (the OVS port name), MAC, IPs with prefix length ("10.0.1.11/24").
   */
  public record Vm(String name, String tenant, String network, long segment, String namespace,
      String hypervisor, String iface, String mac, List<String> ips) {
    /** The first IPv4 address, without prefix length. */
    public String ip() {
      return ips.stream().filter(a -> !a.contains(":")).findFirst()
          .map(a -> a.substring(0, a.indexOf('/')))
          .orElseThrow(() -> new IllegalStateException(name + " has no IPv4 address"));
    }

    Vm on(String hv) {
      return new Vm(name, tenant, network, segment, namespace, hv, iface, mac, ips);
    }
  }

  /** One step of a migration and its wall time. */
  public record Step(String step, double ms) {}

  /**
   * A migration as {@code testbed.py migrate} did it: the steps (del-port, move, link up,
   * add-port, gratuitous ARP) with their times, how long the port was off a bridge ({@code
   * movedMs}, from del-port to add-port done) and when everything including the gratuitous ARP
   * was done. {@code started} is when the test ran the script (its start-up comes before the
   * del-port); {@code portBackAt} is when add-port returned, by the script's own clock.
   */
  public record Migration(String vm, String iface, String from, String to, List<Step> steps,
      double movedMs, double totalMs, Instant started, Instant finished, String garpCommand,
      Instant portBackAt) {
    @Override
    public String toString() {
      return steps.stream().map(s -> String.format(Locale.ROOT, "%8.1f ms  %s", s.ms(), s.step()))
          .collect(Collectors.joining("\n")) + String.format(Locale.ROOT,
          "%n%s moved %s -> %s: port moved in %.1f ms, %.1f ms with the gratuitous ARP", vm,
          from, to, movedMs, totalMs);
    }
  }

  /** A gratuitous ARP sent from a VM: its IP, the exact command and how long it took. */
  public record Garp(String vm, String ip, String command, double ms) {}

  /**
   * Testbed options. {@code controller}: {@code tcp:IP:PORT}, {@code tcp:mgmt:PORT} (the
   * management address) or {@code none}; {@code placement}: VM (port or interface name) to
   * hypervisor, others round-robin in config order.
   */
  public record Options(Path config, String controller, Map<String, String> placement,
      String prefix, String mgmtNet, Duration upTimeout, Duration commandTimeout,
      Duration maxLifetime, List<String> dhcp, boolean weftBridge) {
    public Options {
      Objects.requireNonNull(config);
      Objects.requireNonNull(controller);
      placement = Collections.unmodifiableMap(new LinkedHashMap<>(placement));
      dhcp = List.copyOf(dhcp);
      if (!prefix.matches("[a-z][a-z0-9]{1,5}")) {
        throw new IllegalArgumentException("prefix must match [a-z][a-z0-9]{1,5}: " + prefix);
      }
    }

    public static Options of(Path config, String controller, Map<String, String> placement) {
      return new Options(config, controller, placement, randomPrefix(), null,
          Duration.ofSeconds(90), Duration.ofSeconds(30), Duration.ofMinutes(30), List.of(), false);
    }

    public Options withPrefix(String p) {
      return new Options(config, controller, placement, p, mgmtNet, upTimeout, commandTimeout,
          maxLifetime, dhcp, weftBridge);
    }

    /**
     * Weft builds each br-int through the hypervisor's OVSDB (ptcp:6640 on its management
     * address); the VMs are plugged in by {@link Testbed#plug()} once it has.
     */
    public Options withWeftBridge() {
      return new Options(config, controller, placement, prefix, mgmtNet, upTimeout, commandTimeout,
          maxLifetime, dhcp, true);
    }

    /** The management network (an IPv4 /24 or larger); default: the first free /24 in
     * 10.78.0.0/16. */
    public Options withMgmtNet(String net) {
      return new Options(config, controller, placement, prefix, net, upTimeout, commandTimeout,
          maxLifetime, dhcp, weftBridge);
    }

    /** The script's watchdog tears the testbed down after this long, whatever happens. */
    public Options withMaxLifetime(Duration d) {
      return new Options(config, controller, placement, prefix, mgmtNet, upTimeout,
          commandTimeout, d, dhcp, weftBridge);
    }

    /** These VMs start without address and route: {@link Testbed#dhcp} gets them. */
    public Options withDhcp(String... vms) {
      return new Options(config, controller, placement, prefix, mgmtNet, upTimeout,
          commandTimeout, maxLifetime, List.of(vms), weftBridge);
    }
  }

  private final Options options;
  private final Path script;
  private final Thread shutdownHook;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Map<String, Vm> vms = new LinkedHashMap<>();
  private final Map<String, Hypervisor> hypervisors = new LinkedHashMap<>();
  /** External network name → its outside namespace. */
  private final Map<String, String> outsides = new LinkedHashMap<>();
  private JsonNode summary;
  private String controller;
  private Duration upDuration = Duration.ZERO;
  private Duration downDuration;
  private boolean closed;

  private Testbed(Options options) {
    this.options = options;
    this.script = script().orElseThrow(() -> new TestbedException("cannot find " + SCRIPT
        + " above " + System.getProperty("user.dir")));
    this.shutdownHook = new Thread(this::closeQuietly, "testbed-shutdown-" + options.prefix());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Builds the testbed of {@code config}; see {@link Options}. */
  public static Testbed up(Path config, String controllerAddress, Map<String, String> placement) {
    return up(Options.of(config, controllerAddress, placement));
  }

  public static Testbed up(Options options) {
    Testbed tb = new Testbed(options);
    try {
      tb.start();
      return tb;
    } catch (TestbedException e) {
      if (e.prefixInUse()) {
        tb.forget(); // someone else's testbed: never tear it down
      } else {
        tb.closeQuietly(); // the script cleans up after itself; this is for a killed script
      }
      throw e;
    } catch (RuntimeException e) {
      tb.closeQuietly();
      throw e;
    }
  }

  private void start() {
    List<String> args = new ArrayList<>(List.of("up", options.config().toString(),
        "--controller", options.controller(), "--prefix", options.prefix(), "--json",
        "--owner-pid", Long.toString(ProcessHandle.current().pid()),
        "--max-lifetime", Long.toString(Math.max(1, options.maxLifetime().toSeconds())),
        "--save-logs-on-failure", OvsEnvironment.logDir().toString()));
    options.placement().forEach((vm, hv) -> args.addAll(List.of("--place", vm + "=" + hv)));
    options.dhcp().forEach(vm -> args.addAll(List.of("--dhcp", vm)));
    if (options.mgmtNet() != null) {
      args.addAll(List.of("--mgmt-net", options.mgmtNet()));
    }
    if (options.weftBridge()) {
      args.addAll(List.of("--bridge", "weft"));
    }
    long t0 = System.nanoTime();
    JsonNode s = script(options.upTimeout(), args);
    upDuration = Duration.ofNanos(System.nanoTime() - t0);
    summary = s;
    controller = s.path("controller").asText();
    for (JsonNode h : s.path("hypervisors")) {
      hypervisors.put(h.path("name").asText(), new Hypervisor(h.path("name").asText(),
          h.path("namespace").asText(), h.path("dpid").asText(), h.path("tunnel_ip").asText(),
          h.path("mgmt_ip").asText(), Path.of(h.path("dir").asText())));
    }
    for (JsonNode o : s.path("outsides")) {
      outsides.put(o.path("name").asText(), o.path("namespace").asText());
    }
    for (JsonNode v : s.path("vms")) {
      List<String> ips = new ArrayList<>();
      v.path("ips").forEach(ip -> ips.add(ip.asText()));
      vms.put(v.path("name").asText(), new Vm(v.path("name").asText(), v.path("tenant").asText(),
          v.path("network").asText(), v.path("segment").asLong(), v.path("namespace").asText(),
          v.path("hypervisor").asText(), v.path("interface").asText(), v.path("mac").asText(),
          List.copyOf(ips)));
    }
  }

  // ---- what was built -------------------------------------------------------------------------

  public String prefix() {
    return options.prefix();
  }

  /** The address in the root namespace where the controller must listen (e.g. 10.78.0.254). */
  public String mgmtAddress() {
    return summary.path("controller_ip").asText();
  }

  /** The switches' controller target, e.g. "tcp:10.78.0.254:6653", or "none". */
  public synchronized String controller() {
    return controller;
  }

  public List<Hypervisor> hypervisors() {
    return List.copyOf(hypervisors.values());
  }

  public Hypervisor hypervisor(String name) {
    Hypervisor h = hypervisors.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no hypervisor " + name + " (" + hypervisors.keySet()
          + ")");
    }
    return h;
  }

  /** The VMs, with their current hypervisor. */
  public synchronized List<Vm> vms() {
    return List.copyOf(vms.values());
  }

  /** A VM by logical port name (or interface name). */
  public synchronized Vm vm(String name) {
    Vm v = vms.get(name);
    if (v != null) {
      return v;
    }
    return vms.values().stream().filter(x -> x.iface().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no VM " + name + " (" + vms.keySet()
            + ")"));
  }

  /** The namespace of a VM, or of an external network's outside (the ping commands run in either). */
  public synchronized String namespaceOf(String node) {
    String out = outsides.get(node);
    return out != null ? out : vm(node).namespace();
  }

  /** The script's summary of {@code up} (JSON), including its own timings. */
  public JsonNode summary() {
    return summary;
  }

  /** The script's timings of {@code up} in ms (namespaces, vms, ovs_start(_per_hv), ...). */
  public JsonNode timings() {
    return summary.path("timings_ms");
  }

  /** Wall time of {@link #up} as seen from Java (script start to summary). */
  public Duration upDuration() {
    return upDuration;
  }

  /** Wall time of the teardown in {@link #close()}, once closed. */
  public Optional<Duration> downDuration() {
    return Optional.ofNullable(downDuration);
  }

  // ---- traffic --------------------------------------------------------------------------------

  /**
   * {@code ping -c count -i interval} from a VM to {@code ip}; waits at most {@code timeout}
   * (ping's own deadline, rounded up to seconds; the process is killed a few seconds later).
   */
  public PingStats ping(String vm, String ip, int count, long intervalMs, Duration timeout) {
    if (count < 1 || intervalMs < 2) {
      throw new IllegalArgumentException("count >= 1 and interval >= 2 ms");
    }
    long deadline = Math.max(1, (timeout.toMillis() + 999) / 1000);
    Exec.Out o = Exec.run(timeout.plusSeconds(5), "ip", "netns", "exec", namespaceOf(vm),
        "ping", "-n", "-c", Integer.toString(count), "-i",
        String.format(Locale.ROOT, "%.3f", intervalMs / 1000.0), "-W", "1",
        "-w", Long.toString(deadline), ip);
    if (o.status() != 0 && o.status() != 1) { // 1: some or all unanswered
      throw new TestbedException("ping in " + vm + " failed (" + o.status() + "): " + o.both());
    }
    return PingStats.parse(o.stdout());
  }

  /**
   * Starts {@code ping -D -O -i interval} from a VM in the background; {@link
   * BackgroundPing#stop()} returns per-packet results with timestamps. It stops by itself after
   * {@code maxDuration}.
   */
  public synchronized BackgroundPing startPing(String vm, String ip, Duration interval,
      Duration maxDuration) {
    BackgroundPing p = new BackgroundPing(vm, namespaceOf(vm), ip, interval, maxDuration);
    running.add(p);
    return p;
  }

  /**
   * Like {@link #startPing}, with the testbed's steady pinger ({@value BackgroundPing#STEADY}):
   * a request every {@code interval} exactly (iputils' ping sends every 16 ms when asked for 10),
   * for measurements that time a change against the ping's requests.
   */
  public synchronized BackgroundPing startSteadyPing(String vm, String ip, Duration interval,
      Duration maxDuration) {
    BackgroundPing p = new BackgroundPing(vm, namespaceOf(vm), ip, interval, maxDuration,
        repoFile(BackgroundPing.STEADY));
    running.add(p);
    return p;
  }

  /**
   * tcpdump on a VM's eth0 for {@code duration}, returning the frames seen (both directions:
   * filter with {@link Frame#src()}, or use {@link #startCapture} with inboundOnly). {@code
   * filter} is a tcpdump/BPF expression ("" for everything), e.g. "arp or icmp".
   */
  public List<Frame> capture(String vm, String filter, Duration duration) {
    try (Capture c = startCapture(vm, filter, false)) {
      sleep(duration);
      return c.stop();
    }
  }

  /** Starts tcpdump on a VM's eth0; ready (listening) when this returns. */
  /** tcpdump on the uplink side of an external network's outside namespace (its interface up0), inbound. */
  public synchronized Capture startCaptureOutside(String external, String filter) {
    String ns = outsides.get(external);
    if (ns == null) {
      throw new IllegalArgumentException("no outside " + external + " (" + outsides.keySet() + ")");
    }
    Capture c = new Capture(external, ns, "up0", filter, true, 100_000);
    running.add(c);
    return c;
  }

  public synchronized Capture startCapture(String vm, String filter, boolean inboundOnly) {
    Vm v = vm(vm);
    Capture c = new Capture(v.name(), v.namespace(), "eth0", filter, inboundOnly, 100_000);
    running.add(c);
    return c;
  }

  /**
   * Starts tcpdump on an interface of a hypervisor: a VM port (its interface name), {@code
   * ul0} (the underlay: VXLAN is "udp port 4789"), {@code mgmt0} (OpenFlow to the controller).
   */
  public synchronized Capture startCaptureOnHypervisor(String hv, String iface, String filter) {
    Capture c = new Capture(hv, hypervisor(hv).namespace(), iface, filter, false, 100_000);
    running.add(c);
    return c;
  }

  /** A gratuitous ARP from the VM (what a hypervisor sends after a live migration). */
  public Garp arping(String vm) {
    JsonNode r = script(options.commandTimeout(), List.of("garp", vm, "--prefix", prefix(),
        "--json"));
    return new Garp(r.path("vm").asText(), r.path("ip").asText(), r.path("command").asText(),
        r.path("elapsed_ms").asDouble());
  }

  /**
   * Empties the VM's ARP cache ({@code ip neigh flush dev eth0}). After an unanswered ping the
   * kernel keeps the neighbour entry INCOMPLETE/FAILED and retries only every second, so the
   * first packets after the network is fixed can wait up to a second: flush to measure from a
   * clean state.
   */
  public void flushArp(String vm) {
    Exec.Out o = exec(vm, options.commandTimeout(), "ip", "neigh", "flush", "dev", "eth0");
    if (!o.ok()) {
      throw new TestbedException("ip neigh flush in " + vm + ": " + o.both());
    }
  }

  // ---- migration --------------------------------------------------------------------------------

  /**
   * Moves a VM to another hypervisor as a hypervisor would: its port is deleted from the old
   * br-int, the veth moved into the new hypervisor's namespace and added to its br-int under the
   * same name, then the VM sends a gratuitous ARP. The VM's namespace, MAC and IPs are
   * untouched.
   */
  /** The script's {@code time.time()} (seconds since the epoch, the same clock as {@link Instant#now()}). */
  static Instant epoch(double seconds) {
    long micros = Math.round(seconds * 1e6);
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
  }

  public Migration migrate(String vm, String hvTo) {
    return migrate(vm, hvTo, true);
  }

  public Migration migrate(String vm, String hvTo, boolean garp) {
    hypervisor(hvTo);
    List<String> args = new ArrayList<>(List.of("migrate", vm, hvTo, "--prefix", prefix(),
        "--json"));
    if (!garp) {
      args.add("--no-garp");
    }
    Instant started = Instant.now();
    JsonNode r = script(options.commandTimeout(), args);
    Instant finished = Instant.now();
    List<Step> steps = new ArrayList<>();
    r.path("steps").forEach(s -> steps.add(new Step(s.path("step").asText(),
        s.path("ms").asDouble())));
    synchronized (this) {
      Vm v = vm(vm);
      vms.put(v.name(), v.on(r.path("to").asText()));
    }
    return new Migration(r.path("vm").asText(), r.path("interface").asText(),
        r.path("from").asText(), r.path("to").asText(), List.copyOf(steps),
        r.path("moved_ms").asDouble(), r.path("total_ms").asDouble(), started, finished,
        r.path("garp").path("command").asText(null), epoch(r.path("epoch_moved").asDouble()));
  }

  // ---- Open vSwitch of a hypervisor ---------------------------------------------------------------

  /** {@code ovs-ofctl -O OpenFlow13 dump-flows br-int} of a hypervisor: one line per flow. */
  public List<String> dumpFlows(String hv) {
    return dumpFlows(hv, false);
  }

  /** As {@link #dumpFlows(String)}; with {@code names}, ports are shown by name. */
  public List<String> dumpFlows(String hv, boolean names) {
    List<String> args = new ArrayList<>();
    if (names) {
      args.add("--names");
    }
    args.addAll(List.of("dump-flows", "br-int"));
    return Arrays.stream(ofctl(hv, args.toArray(String[]::new)).split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.matches("^(OFPST|NXST)_FLOW reply.*"))
        .collect(Collectors.toList());
  }

  /** Deletes every flow of the hypervisor's br-int (for drift-repair tests). */
  public void delFlows(String hv) {
    ofctl(hv, "del-flows", "br-int");
  }

  /** {@code ovs-ofctl -O OpenFlow13 add-flow br-int FLOW}; ports may be given by name. */
  public void addFlow(String hv, String flow) {
    ofctl(hv, "add-flow", "br-int", flow);
  }

  /** Any {@code ovs-ofctl -O OpenFlow13 ARGS} against the hypervisor's OVS; returns stdout. */
  public String ofctl(String hv, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13", "--timeout=10"));
    cmd.addAll(List.of(args));
    return ovs(hv, cmd);
  }

  /** Any {@code ovs-vsctl ARGS} against the hypervisor's ovsdb-server; returns stdout. */
  public String vsctl(String hv, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10",
        "--db=unix:" + hypervisor(hv).dir().resolve("db.sock")));
    cmd.addAll(List.of(args));
    return ovs(hv, cmd);
  }

  /** The ports of the hypervisor's br-int (VM interfaces and vx-* tunnels), sorted. */
  public List<String> ports(String hv) {
    return Arrays.stream(vsctl(hv, "list-ports", "br-int").split("\\s+"))
        .filter(s -> !s.isEmpty()).sorted().collect(Collectors.toList());
  }

  /** The OpenFlow port number of an interface on the hypervisor's br-int. */
  public int ofport(String hv, String iface) {
    return Integer.parseInt(vsctl(hv, "get", "interface", iface, "ofport").strip());
  }

  private String ovs(String hv, List<String> cmd) {
    Path dir = hypervisor(hv).dir();
    // OVS_RUNDIR: ovs-ofctl finds br-int.mgmt, ovs-appctl the daemons, in this hypervisor's dir
    Exec.Out o = Exec.run(options.commandTimeout(), Map.of("OVS_RUNDIR", dir.toString(),
        "OVS_DBDIR", dir.toString(), "OVS_LOGDIR", dir.toString()), cmd);
    if (!o.ok()) {
      throw new TestbedException(hv + ": " + String.join(" ", cmd) + " failed (" + o.status()
          + "): " + o.both());
    }
    return o.stdout();
  }

  /**
   * {@code dhclient} in a VM (started with {@link Options#withDhcp}): what the lease gave
   * ({@code lease.ip_address}, {@code .routers}, {@code .interface_mtu}...), the VM's addresses,
   * routes and MTU afterwards, and how long it took.
   */
  public JsonNode dhcp(String vm) {
    return script(options.commandTimeout().plusSeconds(30), List.of("dhcp", vm, "--prefix",
        prefix(), "--json"));
  }

  /** Runs a command in a VM's, hypervisor's or outside (external network's) namespace. */
  public Exec.Out exec(String node, Duration timeout, String... command) {
    String ns;
    Map<String, String> env = null;
    if (outsides.containsKey(node)) {
      ns = outsides.get(node);
    } else if (hypervisors.containsKey(node)) {
      Path dir = hypervisor(node).dir();
      ns = hypervisor(node).namespace();
      env = Map.of("OVS_RUNDIR", dir.toString(), "OVS_DBDIR", dir.toString(), "OVS_LOGDIR",
          dir.toString());
    } else {
      ns = vm(node).namespace();
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(command));
    return Exec.run(timeout, env, cmd);
  }

  // ---- controller connection -------------------------------------------------------------------

  /**
   * Points every hypervisor's br-int at {@code target} ({@code tcp:mgmt:PORT} allowed) and
   * makes them connect now (the old controller entry is removed first).
   */
  public synchronized void setController(String target) {
    JsonNode r = script(options.commandTimeout(), List.of("controller", target, "--prefix",
        prefix(), "--json"));
    controller = r.path("controller").asText();
  }

  /**
   * Reconnects every switch to the current controller now (no backoff wait). It removes the
   * controller first: Open vSwitch flushes a bridge's flow table when the bridge loses its last
   * controller, so use this only before anything was programmed (not to test a reconnect).
   */
  public void connectController() {
    setController(controller());
  }

  /** {@code up --bridge weft}: waits (bounded) until Weft built every br-int, then plugs the VMs in. */
  public JsonNode plug(Duration timeout) {
    return script(timeout.plusSeconds(30), List.of("plug", "--prefix", prefix(), "--json", "--timeout",
        Long.toString(timeout.toSeconds())));
  }

  /**
   * Per hypervisor, the last state ovs-vswitchd logged for br-int's controller connection
   * ("connected", "connecting...", "connection failed (...)", ...).
   */
  public Map<String, String> controllerStates() {
    JsonNode r = script(options.commandTimeout(), List.of("status", "--prefix", prefix(),
        "--json"));
    Map<String, String> m = new LinkedHashMap<>();
    r.path("hypervisors").forEach(h -> m.put(h.path("name").asText(),
        h.path("controller_state").asText()));
    return m;
  }

  /** Waits (bounded) until every br-int is connected to its controller; false on timeout. */
  public boolean awaitConnected(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (controllerStates().values().stream().allMatch("connected"::equals)) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      sleep(Duration.ofMillis(100));
    }
  }

  // ---- teardown ------------------------------------------------------------------------------

  /**
   * Stops background pings and captures, then tears the testbed down (processes by pid,
   * namespaces, links, state), copying the OVS logs to {@code target/ovs-logs/testbed-PREFIX}.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is shutting down: this is the hook
    }
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort: the teardown below kills whatever runs in the namespaces
      }
    }
    running.clear();
    long t0 = System.nanoTime();
    Exec.Out o = Exec.run(Duration.ofSeconds(60), null, List.of(OvsEnvironment.python(),
        script.toString(), "down", "--prefix", prefix(), "--json", "--save-logs",
        OvsEnvironment.logDir().toString()));
    downDuration = Duration.ofNanos(System.nanoTime() - t0);
    if (!o.ok()) {
      throw new TestbedException("testbed " + prefix() + ": down failed (" + o.status() + "): "
          + o.both());
    }
  }

  private synchronized void forget() {
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // shutting down
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("[testbed] " + e.getMessage());
    }
  }

  /**
   * Tears down testbed {@code prefix} whatever state it is in (e.g. after a killed {@code up});
   * returns the script's report.
   */
  public static JsonNode down(String prefix) {
    Path s = script().orElseThrow(() -> new TestbedException("cannot find " + SCRIPT));
    return run(s, Duration.ofSeconds(60), List.of("down", "--prefix", prefix, "--json"));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private JsonNode script(Duration timeout, List<String> args) {
    return run(script, timeout, args);
  }

  private static JsonNode run(Path script, Duration timeout, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(OvsEnvironment.python(), script.toString()));
    cmd.addAll(args);
    Exec.Out o = Exec.run(timeout, null, cmd);
    if (!o.ok()) {
      throw new TestbedException("testbed.py " + String.join(" ", args) + " failed ("
          + o.status() + "): " + o.stderr().strip(), o.status());
    }
    String out = o.stdout().strip();
    try {
      return JSON.readTree(out.substring(out.lastIndexOf("\n") + 1));
    } catch (IOException | RuntimeException e) {
      throw new TestbedException("testbed.py " + args.get(0) + ": unreadable answer: " + out, e);
    }
  }

  /** {@value #SCRIPT}, looked up from the working directory upwards (or weft.testbed.script). */
  public static Optional<Path> script() {
    return dev.weft.ovs.RepoFiles.find(SCRIPT, "weft.testbed.script");
  }

  /** A file of the repository (e.g. "examples/tenants/three-tenants.yaml"), found like the
   * script. */
  public static Path repoFile(String relative) {
    Path s = script().orElseThrow(() -> new TestbedException("cannot find " + SCRIPT));
    Path root = s.toAbsolutePath().getParent().getParent().getParent();
    return root.resolve(relative);
  }

  static String randomPrefix() {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder("t");
    for (int i = 0; i < 4; i++) {
      sb.append(chars.charAt(RANDOM.nextInt(chars.length())));
    }
    return sb.toString();
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
