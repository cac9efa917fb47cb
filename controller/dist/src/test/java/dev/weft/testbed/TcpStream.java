package dev.weft.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived TCP connection between two VMs of a testbed, one side writing a line every 10 ms
 * and the other only reading (its kernel only ACKs), so what the reader gets shows whether the
 * connection survives what happens meanwhile (a migration). Both ends are python in the VMs'
 * namespaces; they stop when {@link #stop()} is called or after 60 s, whichever is first. The
 * reader keeps its line count in a file so a test can wait on progress instead of sleeping.
 */
final class TcpStream implements AutoCloseable {
  /** What each end prints: the writer how many lines and an error if any, the reader what came. */
  private static final String SCRIPT = String.join("\n",
      "import socket,time,json,os,sys,select",
      "role,mode,host,port,status,stop=sys.argv[1],sys.argv[2],sys.argv[3],int(sys.argv[4]),sys.argv[5],sys.argv[6]",
      "t0=time.time()",
      "def stopped(): return os.path.exists(stop) or time.time()-t0>60",
      "if mode=='listen':",
      "  l=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); l.bind(('0.0.0.0',port));"
          + " l.listen(1); l.settimeout(20)",
      "  open(status+'.listening','w').close()",
      "  s,_=l.accept(); l.close()",
      "else:",
      "  s=socket.create_connection((host,port),timeout=10)",
      "s.setblocking(False)",
      "err=None",
      "if role=='writer':",
      "  n=0",
      "  while not stopped():",
      "    try:",
      "      s.send(b'%d\\n'%n); n+=1",
      "    except BlockingIOError: pass",
      "    except OSError as e: err=str(e); break",
      "    try:",
      "      if s.recv(4096)==b'': err='closed by peer'; break",
      "    except BlockingIOError: pass",
      "    except OSError as e: err=str(e); break",
      "    time.sleep(0.01)",
      "  print(json.dumps({'sent':n,'error':err}))",
      "else:",
      "  got=0; buf=b''; last=None; gap=0.0; gap_at=0.0; tick=0",
      "  while not stopped():",
      "    r,_,_=select.select([s],[],[],0.05)",
      "    if r:",
      "      try: d=s.recv(65536)",
      "      except OSError as e: err=str(e); break",
      "      if d==b'': err='closed by peer'; break",
      "      k=d.count(b'\\n'); now=time.time()",
      "      if k:",
      "        if last is not None and now-last>gap: gap=now-last; gap_at=last-t0",
      "        last=now; got+=k",
      "    if time.time()-tick>0.05:",
      "      tick=time.time(); open(status+'.tmp','w').write(str(got)); os.replace(status+'.tmp',status)",
      "  print(json.dumps({'received':got,'max_gap_ms':round(gap*1000,1),'gap_started_s':round(gap_at,2),"
          + "'error':err}))",
      "");

  private final Path dir;
  private final Path status;
  private final CompletableFuture<Exec.Out> server;
  private final CompletableFuture<Exec.Out> client;
  private final boolean serverWrites;

  private TcpStream(Testbed tb, Path dir, String name, String serverVm, int port, String clientVm,
                    boolean serverWrites) throws Exception {
    this.dir = dir;
    this.status = dir.resolve(name + ".count");
    this.serverWrites = serverWrites;
    Path script = dir.resolve("stream.py");
    if (!Files.exists(script)) {
      Files.writeString(script, SCRIPT);
    }
    String stop = dir.resolve("stop").toString();
    server = CompletableFuture.supplyAsync(() -> tb.exec(serverVm, Duration.ofSeconds(90), "python3",
        script.toString(), serverWrites ? "writer" : "reader", "listen", "-", String.valueOf(port),
        status.toString(), stop));
    Path listening = Path.of(status + ".listening");
    await(() -> Files.exists(listening) || server.isDone(), Duration.ofSeconds(15),
        () -> "no listener in " + serverVm + ": " + (server.isDone() ? server.join().both() : ""));
    client = CompletableFuture.supplyAsync(() -> tb.exec(clientVm, Duration.ofSeconds(90), "python3",
        script.toString(), serverWrites ? "reader" : "writer", "connect", tb.vm(serverVm).ip(),
        String.valueOf(port), status.toString(), stop));
  }

  /** A stream from {@code serverVm}:{@code port} (listening) to {@code clientVm}; the server writes if told. */
  static TcpStream start(Testbed tb, Path dir, String name, String serverVm, int port, String clientVm,
                         boolean serverWrites) throws Exception {
    return new TcpStream(tb, dir, name, serverVm, port, clientVm, serverWrites);
  }

  /** Lines the reader has received so far (from its status file). */
  int received() {
    try {
      return Files.exists(status) ? Integer.parseInt(Files.readString(status).trim()) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Waits until the reader has {@code n} lines, or the deadline; true when it has. */
  boolean awaitReceived(int n, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (received() < n) {
      if (System.nanoTime() > end || client.isDone() || server.isDone()) {
        return received() >= n;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Stops both ends (they share the stop file) and returns {writer, reader} as JSON. */
  JsonNode[] stop() throws Exception {
    Path stop = dir.resolve("stop");
    if (!Files.exists(stop)) {
      Files.createFile(stop);
    }
    ObjectMapper json = new ObjectMapper();
    Exec.Out s = server.get(80, TimeUnit.SECONDS);
    Exec.Out c = client.get(80, TimeUnit.SECONDS);
    Exec.Out writer = serverWrites ? s : c;
    Exec.Out reader = serverWrites ? c : s;
    return new JsonNode[] {parse(json, writer), parse(json, reader)};
  }

  private static JsonNode parse(ObjectMapper json, Exec.Out o) throws IOException {
    String out = o.stdout().strip();
    if (out.isEmpty()) {
      return json.createObjectNode().put("error", "no output (" + o.status() + "): " + o.both());
    }
    return json.readTree(out.substring(out.lastIndexOf('\n') + 1));
  }

  @Override
  public void close() throws IOException {
    Path stop = dir.resolve("stop");
    if (!Files.exists(stop)) {
      Files.createFile(stop);
    }
  }

  private interface Cond {
    boolean test() throws Exception;
  }

  private static void await(Cond c, Duration d, java.util.function.Supplier<String> why) throws Exception {
    long end = System.nanoTime() + d.toNanos();
    while (!c.test()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(why.get());
      }
      Thread.sleep(20);
    }
  }

}
