package dev.kinbox.journal.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback relay that records what the client sends, to check what went over the wire in clear.
 * It reaches the server from another loopback address ({@code from}, e.g. 127.0.0.2), so a server
 * that trusts same-address connections (Dovecot counts 127.0.0.1 to 127.0.0.1 as secure) treats the
 * client as a remote one. Every socket has a read timeout; {@link #close()} ends all threads.
 */
final class WireTap implements AutoCloseable {
    private static final int MAX_RECORDED = 1 << 20;

    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();

    WireTap(String targetHost, int targetPort, InetAddress from) throws IOException {
        listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    open.add(client);
                    Socket server = new Socket();
                    open.add(server);
                    server.bind(new InetSocketAddress(from, 0));
                    server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                    pump(client, server, true);
                    pump(server, client, false);
                } catch (IOException e) {
                    return;
                }
            }
        }, "wiretap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Everything the client has sent so far, as ISO-8859-1 text (TLS records show as noise). */
    String clientBytes() {
        synchronized (fromClient) {
            return fromClient.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void pump(Socket src, Socket dst, boolean record) throws IOException {
        src.setSoTimeout(20_000);
        InputStream in = src.getInputStream();
        OutputStream out = dst.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (record) {
                        synchronized (fromClient) {
                            if (fromClient.size() + n <= MAX_RECORDED) fromClient.write(buf, 0, n);
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(src);
                closeQuietly(dst);
            }
        }, "wiretap-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override public void close() throws IOException {
        listener.close();
        for (Socket s : open) closeQuietly(s);
    }
}
