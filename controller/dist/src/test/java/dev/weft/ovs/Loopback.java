package dev.weft.ovs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Loopback TCP helpers: free ports, and "is anything listening on 127.0.0.1:port?". */
public final class Loopback {
  private Loopback() {}

  /** A TCP port that was free on 127.0.0.1 a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether a socket in LISTEN state is bound to the port on 127.0.0.1 or on any address, read
   * from /proc/net/tcp{,6}: unlike a probe connection, this does not disturb the controller.
   */
  public static boolean isListening(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st ...; st 0A = LISTEN
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          String addr = f[1].substring(0, f[1].length() - hexPort.length());
          if (addr.equals("0100007F") || addr.matches("0+")
              || addr.equals("0000000000000000FFFF00000100007F")
              || addr.equals("00000000000000000000000001000000")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Waits (bounded) until the port is (or is no longer) listening; true if it happened. */
  public static boolean awaitListening(int port, boolean listening, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (isListening(port) == listening) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
