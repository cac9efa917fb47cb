package dev.weft.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's ZooKeeper (package zookeeperd) as a standalone server on loopback, in a temporary
 * directory, started from the given zoo.cfg text (the README's, with the data directory and port
 * filled in) and stopped by its pid.
 */
final class DebianZooKeeper implements AutoCloseable {
  static final Path JAR = Path.of("/usr/share/java/zookeeper.jar");
  private final Path dir;
  private final Process process;
  final int port;

  private DebianZooKeeper(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  static boolean installed() {
    return Files.isRegularFile(JAR);
  }

  /**
   * Starts the server with {@code zooCfg} (a zoo.cfg as users write it; its dataDir and clientPort
   * are replaced by a temporary directory and {@code port} on 127.0.0.1) and waits until it serves.
   */
  static DebianZooKeeper start(String zooCfg, int port) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("weft-zookeeper");
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(cfg, zooCfg.replaceAll("(?m)^dataDir=.*$", "dataDir=" + dir.resolve("data"))
        .replaceAll("(?m)^clientPort=.*$", "clientPort=" + port + "\nclientPortAddress=127.0.0.1"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", "/etc/zookeeper/conf:" + JAR, "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("zookeeper.log").toFile()).start();
    DebianZooKeeper zk = new DebianZooKeeper(dir, p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!zk.serving()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String log = Files.readString(dir.resolve("zookeeper.log"));
        zk.close();
        throw new IOException("ZooKeeper did not start: " + log);
      }
      Thread.sleep(100);
    }
    return zk;
  }

  String connectString() {
    return "127.0.0.1:" + port;
  }

  /** ZooKeeper's "srvr" command answers (allowed by the README's whitelist). */
  boolean serving() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode:");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
