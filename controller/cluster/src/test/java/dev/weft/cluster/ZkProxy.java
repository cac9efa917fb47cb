package dev.weft.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between one Weft instance and a ZooKeeper server, which a test can cut
 * (every connection closed, new ones refused) and heal: a network partition of that instance; or
 * mute (connections kept open, nothing relayed): a ZooKeeper that has fallen silent, which the
 * client still takes for connected until its read timeout.
 */
final class ZkProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile boolean closed;
    private volatile boolean muted;

    ZkProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Close every relayed connection and refuse new ones until {@link #heal}. */
    synchronized void cut() throws IOException {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        for (Socket c : open) {
            c.close();
        }
        open.clear();
    }

    /** Relay nothing more, in either direction, and close nothing. */
    void mute() {
        muted = true;
    }

    synchronized void heal() throws IOException {
        if (server == null && !closed) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            listen(s);
        }
    }

    private void listen(ServerSocket s) {
        server = s;
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out = new Socket(target.getAddress(), target.getPort());
                    open.add(in);
                    open.add(out);
                    pipe(in, out);
                    pipe(out, in);
                } catch (IOException e) {
                    // closed, or the server is down: the client retries
                }
            }
        }, "zk-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!muted) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "zk-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
    }
}
