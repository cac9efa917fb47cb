package dev.weft.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.dispatch.AppHandle;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Weft, in this JVM, as the controller that Open vSwitch connects to. */
public final class WeftUnderTest implements ControllerUnderTest {
  private final int port;
  private final List<String> apps;
  private final Map<String, JsonNode> appConfig;
  private Controller controller;

  public WeftUnderTest(List<String> apps, Map<String, JsonNode> appConfig) {
    this.port = Loopback.freePort();
    this.apps = List.copyOf(apps);
    this.appConfig = Map.copyOf(appConfig);
  }

  @Override
  public String name() {
    return "weft";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public synchronized void start() {
    controller = Controller.start(ControllerSettings.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", port)))
        .apps(apps).appConfig(appConfig).dispatchThreads(2).build());
  }

  @Override
  public synchronized void stop() {
    if (controller != null) {
      controller.close();
      controller = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return controller != null;
  }

  public synchronized Controller controller() {
    if (controller == null) {
      throw new IllegalStateException("weft is not running");
    }
    return controller;
  }

  /** How many events the app has handled since this controller instance started. */
  public long handled(String app) {
    return controller().apps().stream().filter(a -> a.name().equals(app)).mapToLong(AppHandle::handled)
        .sum();
  }

  /** Wait until Weft has {@code n} switches through the handshake; false on timeout. */
  public boolean awaitSwitches(int n, Duration timeout) throws InterruptedException {
    return await(() -> controller().switches().all().size() == n, timeout);
  }

  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }
}
