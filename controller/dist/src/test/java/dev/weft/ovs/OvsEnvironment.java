package dev.weft.ovs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Checks that this machine can run real Open vSwitch under Mininet, for {@link RequiresOvs}
 * tests. It does not start Open vSwitch itself (a test suite should not start machine-wide
 * daemons it cannot tidy away; {@code .ci/run} starts them): a missing piece means <em>skip</em>,
 * or <em>fail</em> when {@value #REQUIRE_PROPERTY} is true.
 *
 * <p>Settings (system properties): {@value #REQUIRE_PROPERTY}; {@code weft.ovs.python} (default
 * {@code /usr/bin/python3}: Debian's Mininet is installed for the system Python); {@code
 * weft.ovs.driver} (default: {@code examples/ovs/mn-driver.py} found by walking up from the
 * working directory); {@code weft.ovs.logDir} (default {@code target/ovs-logs}).
 */
public final class OvsEnvironment
    implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
  public static final String REQUIRE_PROPERTY = "weft.requireOvs";
  static final String OVS_CTL = "/usr/share/openvswitch/scripts/ovs-ctl";
  static final String DRIVER = "examples/ovs/mn-driver.py";
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
  private static final Map<String, Optional<String>> CACHE = new ConcurrentHashMap<>();

  /**
   * Not required and something is missing: the class or method is <em>disabled</em> with the
   * reason (surefire lists it as skipped with that message; a class-level assumption failure
   * would not show up at all). Required: enabled, and the callbacks below fail it.
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<RequiresOvs> a = context.getElement()
        .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresOvs.class));
    if (a.isEmpty() || required()) {
      return ConditionEvaluationResult.enabled("Open vSwitch not checked here");
    }
    return problem(a.get().tools(), a.get().pythonModules())
        .map(reason -> ConditionEvaluationResult.disabled(skipMessage(reason)))
        .orElseGet(() -> ConditionEvaluationResult.enabled("Open vSwitch available"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RequiresOvs.class)
        .ifPresent(a -> assumeAvailable(a.tools(), a.pythonModules()));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getTestMethod()
        .flatMap(m -> AnnotationSupport.findAnnotation(m, RequiresOvs.class))
        .ifPresent(a -> assumeAvailable(a.tools(), a.pythonModules()));
  }

  /** True when a missing Open vSwitch must fail the tests: the property is "true" or "1". */
  public static boolean required() {
    return isRequired(System.getProperty(REQUIRE_PROPERTY));
  }

  /**
   * Only "true" (any case) and "1" count: when WEFT_REQUIRE_OVS is unset, Maven passes the
   * unresolved literal "${env.WEFT_REQUIRE_OVS}", which must mean "not required".
   */
  static boolean isRequired(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim();
    return v.equalsIgnoreCase("true") || v.equals("1");
  }

  /** Skips the calling test (or fails it, when required) unless everything is available. */
  public static void assumeAvailable(String... extraTools) {
    assumeAvailable(extraTools, new String[0]);
  }

  /** As {@link #assumeAvailable(String...)}, also requiring these Python modules. */
  public static void assumeAvailable(String[] extraTools, String[] pythonModules) {
    problem(extraTools, pythonModules).ifPresent(reason -> {
      if (required()) {
        Assertions.fail("Open vSwitch is required (" + REQUIRE_PROPERTY + "="
            + System.getProperty(REQUIRE_PROPERTY) + ") but: " + reason);
      }
      Assumptions.abort(skipMessage(reason));
    });
  }

  private static String skipMessage(String reason) {
    return "Open vSwitch tests skipped: " + reason
        + " (set WEFT_REQUIRE_OVS=1 to make this a failure)";
  }

  /** Why this machine cannot run the tests, or empty if it can. Cached per tool list. */
  public static Optional<String> problem(String... extraTools) {
    return problem(extraTools, new String[0]);
  }

  /** As {@link #problem(String...)}, also requiring these Python modules. */
  public static Optional<String> problem(String[] extraTools, String[] pythonModules) {
    String key = String.join(",", extraTools) + "|" + String.join(",", pythonModules);
    return CACHE.computeIfAbsent(key, k -> check(extraTools)
        .or(() -> checkPythonModules(pythonModules)));
  }

  private static Optional<String> checkPythonModules(String[] modules) {
    for (String m : modules) {
      Processes.Result r = Processes.run(CHECK_TIMEOUT, python(), "-c", "import " + m);
      if (!r.ok()) {
        return Optional.of(python() + " cannot import " + m + " (Debian: apt-get install python3-"
            + m + "): " + firstLine(r.output()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> check(String... extraTools) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Optional.of("not Linux");
    }
    if (!isRoot()) {
      return Optional.of("not running as root (Mininet and Open vSwitch need root)");
    }
    List<String> tools = new ArrayList<>(List.of("ovs-vsctl", "ovs-ofctl", "ovs-appctl", "mn",
        "mnexec", "ip", "ping"));
    tools.addAll(Arrays.asList(extraTools));
    List<String> missing = new ArrayList<>();
    for (String t : tools) {
      if (Processes.which(t).isEmpty()) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of("missing " + String.join(", ", missing) + " (Debian: apt-get install "
          + "openvswitch-switch openvswitch-testcontroller mininet iputils-ping arping tcpdump isc-dhcp-client;"
          + " .ci/run installs all the tests need)");
    }
    Optional<Path> driver = driverScript();
    if (driver.isEmpty()) {
      return Optional.of("cannot find " + DRIVER + " above " + System.getProperty("user.dir"));
    }
    Processes.Result py = Processes.run(CHECK_TIMEOUT, python(), "-c", "import mininet.net");
    if (!py.ok()) {
      return Optional.of(python() + " cannot import mininet: " + py.output().strip());
    }
    Processes.Result db = Processes.run(CHECK_TIMEOUT, "ovs-vsctl", "--timeout=3", "show");
    if (!db.ok()) {
      return Optional.of("ovsdb-server is not running (" + firstLine(db.output())
          + "); start Open vSwitch: " + OVS_CTL + " start --system-id=random");
    }
    Processes.Result vs = Processes.run(CHECK_TIMEOUT, "ovs-appctl", "--timeout=3",
        "-t", "ovs-vswitchd", "version");
    if (!vs.ok()) {
      return Optional.of("ovs-vswitchd is not running (" + firstLine(vs.output())
          + "); start Open vSwitch: " + OVS_CTL + " start --system-id=random");
    }
    return Optional.empty();
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] f = line.split("\\s+");
          return f.length > 2 && f[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "root".equals(System.getProperty("user.name"));
  }

  /** The Python that has Mininet (Debian installs it for /usr/bin/python3 only). */
  public static String python() {
    String p = System.getProperty("weft.ovs.python");
    if (p != null && !p.isBlank()) {
      return p;
    }
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** examples/ovs/mn-driver.py, looked up from the working directory upwards. */
  static Optional<Path> driverScript() {
    return RepoFiles.find(DRIVER, "weft.ovs.driver");
  }

  /** Where the harness writes driver and controller logs (created on demand). */
  public static Path logDir() {
    String p = System.getProperty("weft.ovs.logDir");
    Path dir = p != null && !p.isBlank() ? Path.of(p)
        : Path.of(System.getProperty("user.dir"), "target", "ovs-logs");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return dir;
  }
}
