package dev.kinbox.actors.remailer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Just enough SMTP on loopback to test the sender's TLS: EHLO (offering STARTTLS and AUTH PLAIN),
 * STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT, one connection at a time, over plain TCP,
 * STARTTLS or implicit TLS with the given server context. Records every command line (and whether it
 * came over TLS) and every accepted message. Bounded: 5 s per read, 200 lines and 1 MiB per message
 * per connection; {@link #close()} ends it. {@link #acceptLimit} makes it fail part-way through a batch.
 */
final class FakeSmtpServer implements AutoCloseable {
    enum Security { PLAIN_ONLY, STARTTLS, IMPLICIT_TLS }

    /** A command line as received; {@code tls} says whether the connection was encrypted by then. */
    record Line(boolean tls, String text) {}

    /** An accepted message: its envelope and its DATA bytes (dot-unstuffed). */
    record Received(String from, List<String> to, byte[] data) {}

    private static final int MAX_LINES = 200;
    private static final int MAX_DATA = 1 << 20;

    final List<Line> lines = Collections.synchronizedList(new ArrayList<>());
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final Security security;
    private final SSLContext tls;
    private final String user;
    private final String password;
    private final ServerSocket server;
    private final Thread thread;
    private volatile Socket current;
    /** Messages accepted before every further DATA is answered {@code 451} (a server failing part-way through a batch). */
    volatile int acceptLimit = Integer.MAX_VALUE;

    /** {@code user}/{@code password}: the one login AUTH PLAIN accepts. */
    FakeSmtpServer(Security security, SSLContext serverContext, String user, String password) throws IOException {
        this.security = security;
        this.tls = serverContext;
        this.user = user;
        this.password = password;
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        server = security == Security.IMPLICIT_TLS ? serverContext.getServerSocketFactory().createServerSocket(0, 4, lo) : new ServerSocket(0, 4, lo);
        thread = new Thread(this::serve, "fake-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() { return server.getLocalPort(); }

    /** The command verbs received (first word, upper case), in order. */
    List<String> verbs() {
        synchronized (lines) {
            return lines.stream().map(l -> l.text().split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT)).toList();
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                current = s;
                s.setSoTimeout(5000);
                converse(s);
            } catch (IOException | RuntimeException e) {
                // a refused handshake or a client that hung up: wait for the next connection
            }
        }
    }

    private void converse(Socket socket) throws IOException {
        Socket s = socket;
        boolean secure = security == Security.IMPLICIT_TLS;
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        send(out, "220 fake.kinbox.test ESMTP");
        String from = null;
        List<String> to = new ArrayList<>();
        for (int n = 0; n < MAX_LINES; n++) {
            String line = readLine(in);
            if (line == null) return;
            lines.add(new Line(secure, line));
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> send(out, "250-fake.kinbox.test" + (security == Security.STARTTLS && !secure ? "\r\n250-STARTTLS" : "")
                        + "\r\n250 AUTH PLAIN");
                case "STARTTLS" -> {
                    if (security != Security.STARTTLS || secure) {
                        send(out, "502 not here");
                        continue;
                    }
                    send(out, "220 go ahead");
                    SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
                    t.setUseClientMode(false);
                    t.setSoTimeout(5000);
                    t.startHandshake();
                    s = t;
                    secure = true;
                    in = new BufferedInputStream(s.getInputStream());
                    out = s.getOutputStream();
                }
                case "AUTH" -> {
                    String[] w = line.split(" ");
                    String ir = w.length > 2 ? w[2] : null;
                    if (ir == null) {
                        send(out, "334 ");
                        ir = readLine(in);
                        if (ir == null) return;
                        lines.add(new Line(secure, ir));
                    }
                    send(out, plainLoginMatches(ir) ? "235 ok" : "535 5.7.8 authentication failed");
                }
                case "MAIL" -> {
                    from = line.substring(line.indexOf(':') + 1).strip();
                    to.clear();
                    send(out, "250 ok");
                }
                case "RCPT" -> {
                    to.add(line.substring(line.indexOf(':') + 1).strip());
                    send(out, "250 ok");
                }
                case "DATA" -> {
                    send(out, "354 end with .");
                    byte[] data = readData(in);
                    if (received.size() >= acceptLimit) {
                        send(out, "451 4.3.0 local problem, try again later");
                        continue;
                    }
                    received.add(new Received(from, List.copyOf(to), data));
                    send(out, "250 queued");
                }
                case "RSET", "NOOP" -> send(out, "250 ok");
                case "QUIT" -> {
                    send(out, "221 bye");
                    return;
                }
                default -> send(out, "500 unknown");
            }
        }
    }

    /** RFC 4616: base64 of [authzid] NUL authcid NUL passwd. */
    private boolean plainLoginMatches(String initialResponse) {
        try {
            String[] p = new String(Base64.getDecoder().decode(initialResponse), StandardCharsets.UTF_8).split("\0", -1);
            return p.length == 3 && p[1].equals(user) && p[2].equals(password);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (data.size() <= MAX_DATA) {
            String line = readLine(in);
            if (line == null || line.equals(".")) return data.toByteArray();
            data.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
            data.writeBytes(new byte[] {'\r', '\n'});
        }
        throw new IOException("message over " + MAX_DATA + " bytes");
    }

    /** One CRLF line (at most 4096 bytes), or null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4096; i++) {
            int c = in.read();
            if (c < 0) return b.length() == 0 ? null : b.toString();
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("line too long");
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override public void close() throws Exception {
        server.close();
        Socket s = current;
        if (s != null) s.close();
        thread.join(10_000);
    }
}
