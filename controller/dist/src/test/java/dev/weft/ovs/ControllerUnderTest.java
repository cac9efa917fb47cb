package dev.weft.ovs;

/**
 * The OpenFlow controller the switches connect to, listening on 127.0.0.1:{@link #port()}. The
 * harness self-test uses {@link OvsTestController}; Weft's own tests plug in Weft here.
 *
 * <p>Contract: {@link #start()} returns once the controller accepts connections on the port (and
 * throws if it cannot); {@link #stop()} returns once the process (or server) is gone and the
 * port is closed, and is idempotent; {@code start()} after {@code stop()} starts it again on the
 * same port.
 */
public interface ControllerUnderTest extends AutoCloseable {
  /** A short name for logs, e.g. "ovs-testcontroller". */
  String name();

  /** The TCP port on 127.0.0.1 that switches connect to; fixed for the object's lifetime. */
  int port();

  void start() throws Exception;

  /** Stops the controller; must not throw (it runs in finally blocks), nor hang. */
  void stop();

  boolean isRunning();

  @Override
  default void close() {
    stop();
  }
}
