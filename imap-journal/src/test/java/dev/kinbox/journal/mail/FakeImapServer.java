package dev.kinbox.journal.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A scripted, hostile IMAP server on a loopback port: it handles CAPABILITY, LOGIN, NOOP and LOGOUT
 * normally (and STARTTLS when given a TLS context) and hands every other command to the scenario,
 * which may answer garbage, hang up midway or stall. It can speak plain IMAP, implicit TLS (an
 * {@link SSLServerSocket}) or offer STARTTLS. It records every command line it receives. Every wait
 * is bounded; {@link #close()} ends all threads.
 */
final class FakeImapServer implements AutoCloseable {
    /** What to do with a command other than the well-behaved ones. */
    interface Scenario {
        /** Returns false to end the connection. */
        boolean answer(int connection, String tag, String command, Conn conn) throws IOException, InterruptedException;
    }

    /** The server side of one connection. */
    static final class Conn {
        final OutputStream out;
        Conn(OutputStream out) { this.out = out; }
        void send(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    /** How the fake server secures its connections. */
    enum Security { PLAIN, IMPLICIT_TLS, STARTTLS }

    private final ServerSocket socket;
    private final Security security;
    private final SSLContext tls;
    /** Command lines received, in order, over all connections (LOGIN lines hold the test password). */
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;
    volatile String greeting = "* OK fake ready\r\n";
    volatile String capabilities = "IMAP4rev1 UIDPLUS IDLE";
    volatile boolean refuseLogin;
    /** How many logins to refuse (as {@link #refuseLogin} does) before accepting them again. */
    final AtomicInteger loginsToRefuse = new AtomicInteger();
    /** The tagged NO a refused LOGIN gets, after the tag and "NO ". */
    volatile String loginRefusal = "[AUTHENTICATIONFAILED] bad";

    FakeImapServer(Scenario scenario) throws IOException {
        this(scenario, Security.PLAIN, null);
    }

    /** A server whose connections use {@code security}, presenting the certificate of {@code tls}. */
    FakeImapServer(Scenario scenario, Security security, SSLContext tls) throws IOException {
        this.security = security;
        this.tls = tls;
        if (security != Security.PLAIN && tls == null) throw new IllegalArgumentException("TLS needs a server context");
        if (security == Security.STARTTLS) capabilities = "IMAP4rev1 UIDPLUS IDLE STARTTLS";
        socket = security == Security.IMPLICIT_TLS
                ? (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    int n = connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(n, s, scenario), "fake-imap-" + n);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-imap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() { return socket.getLocalPort(); }

    int connections() { return connections.get(); }

    private void serve(int n, Socket plain, Scenario scenario) {
        Socket s = plain;
        try (plain) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            Conn c = new Conn(s.getOutputStream());
            c.send(greeting);
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                int sp = line.indexOf(' ');
                if (sp < 0) continue;
                String tag = line.substring(0, sp);
                String cmd = line.substring(sp + 1);
                String verb = cmd.split(" ")[0].toUpperCase();
                switch (verb) {
                    case "CAPABILITY" -> c.send("* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n");
                    case "LOGIN" -> c.send(refuseLogin || loginsToRefuse.getAndUpdate(left -> Math.max(0, left - 1)) > 0
                            ? tag + " NO " + loginRefusal + "\r\n" : tag + " OK logged in\r\n");
                    case "NOOP" -> c.send(tag + " OK noop\r\n");
                    case "STARTTLS" -> {
                        if (security != Security.STARTTLS || s instanceof SSLSocket) {
                            c.send(tag + " BAD not now\r\n");
                            continue;
                        }
                        c.send(tag + " OK begin TLS now\r\n");
                        // The client sends nothing more until the handshake, so the reader holds no bytes.
                        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
                        ssl.setUseClientMode(false);
                        ssl.startHandshake();
                        open.add(ssl);
                        s = ssl;
                        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        c = new Conn(s.getOutputStream());
                    }
                    case "LOGOUT" -> { c.send("* BYE bye\r\n" + tag + " OK\r\n"); s.close(); return; }
                    default -> {
                        if (!scenario.answer(n, tag, cmd, c)) return;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or we were closed
        }
    }

    @Override public void close() throws IOException {
        socket.close();
        for (Socket s : open) s.close();
    }
}
