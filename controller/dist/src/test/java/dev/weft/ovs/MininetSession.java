package dev.weft.ovs;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Mininet network of real Open vSwitch bridges (userspace datapath) connected to a
 * controller on 127.0.0.1, driven through {@code examples/ovs/mn-driver.py}.
 *
 * <p>Every switch is an OVS bridge named {@link #prefix()} + its Mininet name (s1 becomes e.g.
 * {@code wk3zqs1}); methods take the Mininet names (s1, h1). Every call is bounded in time: a
 * driver that does not answer in time is killed (with its children) and its bridges and links
 * are removed. {@link #close()} always tears the network down. Hosts live in network namespaces
 * that the session creates (addresses 10.0.0.0/8 there), so pings never leave them.
 */
public final class MininetSession implements AutoCloseable {
  private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_.:=,/@+-]+");
  private static final Object EOF = new Object();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A switch: Mininet name (s1), OVS bridge name, datapath id (16 hex digits). */
  public record SwitchInfo(String name, String bridge, String dpid) {}

  /** A host: Mininet name (h1), IP address and MAC address inside its namespace. */
  public record HostInfo(String name, String ip, String mac) {}

  /** Session options; {@link #of(String, String, int)} gives the defaults. */
  public record Options(String topo, String protocols, int controllerPort, String failMode,
      String prefix, Duration startTimeout, Duration commandTimeout, Duration maxLifetime,
      String custom) {

    public Options {
      Objects.requireNonNull(topo);
      Objects.requireNonNull(protocols);
      Objects.requireNonNull(failMode);
      Objects.requireNonNull(prefix);
      if (!prefix.matches("[a-z][a-z0-9]{1,5}")) {
        throw new IllegalArgumentException("prefix must match [a-z][a-z0-9]{1,5}: " + prefix);
      }
    }

    /**
     * @param topo Mininet topology: {@code tree,D[,F]}, {@code linear,N}, {@code single,N},
     *     {@code torus,X,Y}, {@code minimal}
     * @param protocols Open vSwitch bridge protocols, e.g. {@code OpenFlow13} or {@code
     *     OpenFlow10,OpenFlow13} ("|" is accepted as separator too)
     */
    public static Options of(String topo, String protocols, int controllerPort) {
      return new Options(topo, protocols, controllerPort, "secure", randomPrefix(),
          Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(30), null);
    }

    /** Topologies from a Mininet custom file ({@code mn --custom FILE}); {@link #topo} names one. */
    public Options withCustom(Path file) {
      return new Options(topo, protocols, controllerPort, failMode, prefix, startTimeout,
          commandTimeout, maxLifetime, file.toString());
    }

    public Options withFailMode(String mode) {
      return new Options(topo, protocols, controllerPort, mode, prefix, startTimeout,
          commandTimeout, maxLifetime, custom);
    }

    public Options withPrefix(String p) {
      return new Options(topo, protocols, controllerPort, failMode, p, startTimeout,
          commandTimeout, maxLifetime, custom);
    }

    public Options withStartTimeout(Duration d) {
      return new Options(topo, protocols, controllerPort, failMode, prefix, d, commandTimeout,
          maxLifetime, custom);
    }

    public Options withCommandTimeout(Duration d) {
      return new Options(topo, protocols, controllerPort, failMode, prefix, startTimeout, d,
          maxLifetime, custom);
    }

    public Options withMaxLifetime(Duration d) {
      return new Options(topo, protocols, controllerPort, failMode, prefix, startTimeout,
          commandTimeout, d, custom);
    }
  }

  private final Options options;
  private final Path log;
  private final Process process;
  private final BufferedWriter stdin;
  private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
  private final Thread shutdownHook;
  private int seq;
  private boolean closed;
  private boolean broken;
  private boolean abandoned;
  private Map<String, Object> startInfo = Map.of();
  private List<SwitchInfo> switches = List.of();
  private List<HostInfo> hosts = List.of();
  private Duration startDuration = Duration.ZERO;

  private MininetSession(Options options) throws IOException {
    this.options = options;
    this.log = OvsEnvironment.logDir().resolve("mn-" + options.prefix() + ".log");
    Path driver = OvsEnvironment.driverScript()
        .orElseThrow(() -> new IOException("cannot find " + OvsEnvironment.DRIVER));
    List<String> cmd = new java.util.ArrayList<>(List.of(OvsEnvironment.python(), "-u",
        driver.toString(), "--topo", options.topo(), "--protocols", options.protocols(),
        "--port", Integer.toString(options.controllerPort()), "--fail-mode", options.failMode(),
        "--prefix", options.prefix(),
        "--max-lifetime", Long.toString(Math.max(1, options.maxLifetime().toSeconds()))));
    if (options.custom() != null) {
      cmd.addAll(List.of("--custom", options.custom()));
    }
    this.process = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    this.stdin = new BufferedWriter(
        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(this::readReplies, "mn-driver-" + options.prefix());
    reader.setDaemon(true);
    reader.start();
    this.shutdownHook = new Thread(this::closeQuietly, "mn-driver-shutdown-" + options.prefix());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts {@code topo} with default options; see {@link Options#of}. */
  public static MininetSession start(String topo, String protocols, int controllerPort,
      Duration timeout) {
    return start(Options.of(topo, protocols, controllerPort).withStartTimeout(timeout));
  }

  /**
   * Builds and starts the network; returns when every bridge exists and has been told its
   * controller (not necessarily connected yet: see {@link #waitConnected}).
   */
  public static MininetSession start(Options options) {
    long t0 = System.nanoTime();
    MininetSession s;
    try {
      s = new MininetSession(options);
    } catch (IOException e) {
      throw new MininetException("cannot start the Mininet driver: " + e.getMessage(), e);
    }
    try {
      Map<String, Object> r = s.await(0, "start", options.startTimeout());
      s.startInfo = Collections.unmodifiableMap(r);
      s.switches = s.parseSwitches(r);
      s.hosts = s.parseHosts(r);
      s.startDuration = Duration.ofNanos(System.nanoTime() - t0);
      return s;
    } catch (RuntimeException e) {
      s.closeQuietly();
      throw e;
    }
  }

  // ---- topology ----------------------------------------------------------------------------

  /** Prefix of every bridge and root-namespace interface of this session, e.g. "wk3zq". */
  public String prefix() {
    return options.prefix();
  }

  public Options options() {
    return options;
  }

  public List<SwitchInfo> switches() {
    return switches;
  }

  public List<HostInfo> hosts() {
    return hosts;
  }

  /** The OVS bridge of Mininet switch {@code sw} (e.g. s1 to wk3zqs1). */
  public String bridge(String sw) {
    return switches.stream().filter(s -> s.name().equals(sw)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no switch " + sw)).bridge();
  }

  public HostInfo host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no host " + name));
  }

  /** The driver's start-up reply: switches, hosts, links, timing_ms {build, start}, ... */
  public Map<String, Object> startInfo() {
    return startInfo;
  }

  /** Wall time of {@link #start}: driver launch until the network was up. */
  public Duration startDuration() {
    return startDuration;
  }

  /** The driver's stderr (Mininet's log), in target/ovs-logs. */
  public Path log() {
    return log;
  }

  public long driverPid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive() && !closed && !broken;
  }

  // ---- commands ----------------------------------------------------------------------------

  /**
   * Mininet's pingAll: every host pings every other once, waiting up to {@code perPing} for
   * each answer. The call is bounded by (pairs x perPing) plus the command timeout.
   */
  public PingResult pingAll(Duration perPing) {
    int n = hosts.size();
    Duration budget = perPing.plusMillis(500).multipliedBy((long) n * (n - 1))
        .plus(options.commandTimeout());
    return PingResult.fromReply(command(budget, "pingall", seconds(perPing)));
  }

  /** Mininet's ping between two hosts, both directions. */
  public PingResult ping(String a, String b, Duration perPing) {
    Duration budget = perPing.plusMillis(500).multipliedBy(2).plus(options.commandTimeout());
    return PingResult.fromReply(command(budget, "ping", a, b, seconds(perPing)));
  }

  /** {@code ovs-ofctl dump-flows} of switch {@code sw}: one entry per flow, no header. */
  @SuppressWarnings("unchecked")
  public List<String> dumpFlows(String sw) {
    return List.copyOf((List<String>) command(options.commandTimeout(), "dump-flows", sw)
        .get("flows"));
  }

  /** A read-only {@code ovs-ofctl SUBCOMMAND <bridge of sw> ARGS} (show, dump-ports, ...). */
  public String ofctl(String subcommand, String sw, String... args) {
    List<String> words = new ArrayList<>(List.of("ovs-ofctl", subcommand, sw));
    words.addAll(List.of(args));
    return (String) command(options.commandTimeout(), words.toArray(String[]::new))
        .get("output");
  }

  /** One read-only {@code ovs-vsctl} command (show, list, get, find, list-br, ...). */
  public String vsctl(String... args) {
    List<String> words = new ArrayList<>(List.of("ovs-vsctl"));
    words.addAll(List.of(args));
    return (String) command(options.commandTimeout(), words.toArray(String[]::new))
        .get("output");
  }

  /**
   * Starts counting the ARP and IPv4 frames that arrive at each of {@code hosts}, after each has
   * forgotten its neighbour entries: a host re-checks an entry it used a few seconds ago by itself
   * (a unicast ARP request to that peer, 5 s later), and a frame of its own tenant would count as
   * a leak (CI, 2026-12-07). Returns host &rarr; capture id, for {@link #stopWatch}.
   */
  public Map<String, String> watch(List<String> hosts) {
    for (String h : hosts) {
      command(options.commandTimeout(), "neigh-flush", h);
    }
    Map<String, String> ids = new TreeMap<>();
    for (String h : hosts) {
      ids.put(h, (String) command(options.commandTimeout(), "capture-start", h).get("id"));
    }
    return ids;
  }

  /** Stops the captures of {@link #watch}: what arrived, per host ({@code frames}, {@code first}). */
  public Watched stopWatch(Map<String, String> ids) {
    Map<String, Object> out = new TreeMap<>();
    ids.forEach((h, id) -> out.put(h, command(options.commandTimeout(), "capture-stop", id)));
    return new Watched(out);
  }

  /** What {@link #watch}ed hosts received: host &rarr; {@code {frames, first}}. */
  public record Watched(Map<String, Object> byHost) {
    /** Frames that arrived at all watched hosts together. */
    public int frames() {
      return byHost.values().stream().mapToInt(v -> ((Number) ((Map<?, ?>) v).get("frames")).intValue()).sum();
    }

    @Override
    public String toString() {
      return byHost.toString();
    }
  }

  /** Sets the link(s) between nodes {@code a} and {@code b} (e.g. s1, s2) up or down. */
  public void link(String a, String b, boolean up) {
    command(options.commandTimeout(), "link", a, b, up ? "up" : "down");
  }

  /**
   * For each switch: is its bridge connected to the controller? Taken from the rconn state
   * changes in ovs-vswitchd's log (immediate) when the driver can read it, else from ovsdb's
   * Controller.is_connected, which ovs-vswitchd refreshes only every 5 s.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Boolean> connected() {
    Map<String, Object> sw =
        (Map<String, Object>) command(options.commandTimeout(), "connected").get("switches");
    Map<String, Boolean> result = new LinkedHashMap<>();
    sw.forEach((k, v) -> result.put(k, (Boolean) ((Map<String, Object>) v).get("connected")));
    return result;
  }

  /** Polls until every switch reports is_connected=true; false if the timeout passes first. */
  public boolean waitConnected(Duration timeout) {
    return waitAll(true, timeout);
  }

  /** Polls until no switch is connected (e.g. after stopping the controller). */
  public boolean waitDisconnected(Duration timeout) {
    return waitAll(false, timeout);
  }

  private boolean waitAll(boolean connected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, Boolean> state = connected();
      if (!state.isEmpty() && state.values().stream().allMatch(c -> c == connected)) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /**
   * Sends one raw command line (words) and returns the driver's JSON reply as a map; throws
   * {@link MininetException} on an error reply. A reply later than {@code timeout} kills the
   * session.
   */
  public synchronized Map<String, Object> command(Duration timeout, String... words) {
    if (closed || broken) {
      throw new MininetException("session " + prefix() + " is closed");
    }
    StringBuilder line = new StringBuilder();
    for (String w : words) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(w));
    }
    int id = ++seq;
    try {
      stdin.write(line.toString());
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      abandon();
      throw new MininetException("driver " + prefix() + " is gone: " + e.getMessage()
          + tailOfLog(), e);
    }
    return await(id, words[0], timeout);
  }

  // ---- teardown ----------------------------------------------------------------------------

  /**
   * Tears the network down: asks the driver to quit (bounded), then kills it and its children
   * if needed and removes anything left under this session's prefix. Idempotent.
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
      // the JVM is already shutting down: we are probably running in the hook
    }
    boolean clean = false;
    if (!broken && process.isAlive()) {
      try {
        int id = ++seq;
        stdin.write("quit\n");
        stdin.flush();
        await(id, "quit", Duration.ofSeconds(30));
        clean = process.waitFor(10, TimeUnit.SECONDS);
      } catch (IOException | RuntimeException e) {
        clean = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!clean) {
      abandon();
    }
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the driver is gone
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException ignored) {
      // best effort
    }
  }

  /**
   * The driver is broken or hung: SIGTERM (it tears down on SIGTERM), SIGKILL for it and its
   * children after a grace period, then remove our bridges/links if anything is left.
   */
  private void abandon() {
    broken = true;
    if (abandoned) {
      return;
    }
    abandoned = true;
    Processes.killTree(process.toHandle(), Duration.ofSeconds(15));
    cleanupStale(prefix());
  }

  /**
   * Removes bridges and root-namespace interfaces of dead sessions (driver gone, lock free):
   * only {@code prefix}'s when given, else every dead session's. Returns the driver's report
   * (prefix to removed items); never touches live sessions or anything it did not create.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> cleanupStale(String prefix) {
    Path driver = OvsEnvironment.driverScript().orElse(null);
    if (driver == null) {
      return Map.of();
    }
    List<String> cmd = new ArrayList<>(List.of(OvsEnvironment.python(), driver.toString(),
        "--cleanup"));
    if (prefix != null) {
      cmd.addAll(List.of("--prefix", prefix));
    }
    Processes.Result r = Processes.run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    for (String line : r.output().split("\n")) {
      if (line.startsWith("{")) {
        try {
          Object removed = Json.parseObject(line).get("removed");
          if (removed instanceof Map) {
            return (Map<String, Object>) removed;
          }
        } catch (IllegalArgumentException ignored) {
          // not our reply
        }
      }
    }
    return Map.of();
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private void readReplies() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("{")) {
          continue;
        }
        try {
          replies.add(Json.parseObject(line));
        } catch (IllegalArgumentException e) {
          replies.add(e);
        }
      }
    } catch (IOException ignored) {
      // process gone
    } finally {
      replies.add(EOF);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> await(int id, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Object o;
      try {
        o = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandon();
        throw new MininetException("interrupted waiting for " + what);
      }
      if (o == null) {
        abandon();
        throw new MininetException("Mininet driver " + prefix() + ": no reply to '" + what
            + "' within " + timeout.toMillis() + " ms; killed it and removed its network"
            + tailOfLog());
      }
      if (o == EOF) {
        replies.add(EOF); // later callers see it too
        abandon();
        throw new MininetException("Mininet driver " + prefix() + " exited while waiting for '"
            + what + "'" + tailOfLog());
      }
      if (o instanceof IllegalArgumentException e) {
        throw new MininetException("unparsable reply from the Mininet driver", e);
      }
      Map<String, Object> r = (Map<String, Object>) o;
      long replySeq = ((Number) r.getOrDefault("seq", -1L)).longValue();
      if (replySeq != id) {
        continue; // a late reply to an earlier command
      }
      if (!Boolean.TRUE.equals(r.get("ok"))) {
        throw new MininetException("Mininet driver: '" + what + "' failed: " + r.get("error")
            + (id == 0 ? tailOfLog() : ""));
      }
      return r;
    }
  }

  private String tailOfLog() {
    String t = Processes.tail(log, 25);
    return t.isEmpty() ? "" : "\n--- " + log + " (last lines) ---\n" + t;
  }

  @SuppressWarnings("unchecked")
  private List<SwitchInfo> parseSwitches(Map<String, Object> r) {
    List<SwitchInfo> l = new ArrayList<>();
    for (Object o : (List<Object>) r.get("switches")) {
      Map<String, Object> m = (Map<String, Object>) o;
      l.add(new SwitchInfo((String) m.get("name"), (String) m.get("bridge"),
          (String) m.get("dpid")));
    }
    return List.copyOf(l);
  }

  @SuppressWarnings("unchecked")
  private List<HostInfo> parseHosts(Map<String, Object> r) {
    List<HostInfo> l = new ArrayList<>();
    for (Object o : (List<Object>) r.get("hosts")) {
      Map<String, Object> m = (Map<String, Object>) o;
      l.add(new HostInfo((String) m.get("name"), (String) m.get("ip"), (String) m.get("mac")));
    }
    return List.copyOf(l);
  }

  static String quote(String word) {
    if (SAFE_WORD.matcher(word).matches()) {
      return word;
    }
    if (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("newline in a command word");
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  static String randomPrefix() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder("w");
    for (int i = 0; i < 4; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MininetException("interrupted");
    }
  }

  @Override
  public String toString() {
    return "Mininet " + options.topo() + " " + options.protocols() + " -> 127.0.0.1:"
        + options.controllerPort() + " (prefix " + prefix() + ")";
  }
}
