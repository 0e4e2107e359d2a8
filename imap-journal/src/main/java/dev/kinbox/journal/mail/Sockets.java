package dev.kinbox.journal.mail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for one IMAP connection: they set TCP_NODELAY (Angus does not; without it every
 * command waits for Nagle, ~44 ms) and remember their sockets so a deadline can close them.
 */
final class Sockets {
    private final List<Socket> created = new ArrayList<>();
    private final long maxLiteral;
    private volatile boolean aborted;

    /** @param maxLiteral the largest literal the server may announce (see {@link LiteralGuard}) */
    Sockets(long maxLiteral) {
        this.maxLiteral = maxLiteral;
    }

    /** A plain socket whose input passes through a {@link LiteralGuard}. */
    final class GuardedSocket extends Socket {
        private LiteralGuard guard;

        @Override public synchronized java.io.InputStream getInputStream() throws IOException {
            if (guard == null) guard = new LiteralGuard(super.getInputStream(), maxLiteral);
            return guard;
        }

        /** STARTTLS: from now on the stream is ciphertext. */
        synchronized void tlsStarted() throws IOException {
            getInputStream();
            guard.switchOff();
        }
    }

    private Socket connected(Socket s, String host, int port) throws IOException {
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    private Socket connected(Socket s, InetAddress host, int port) throws IOException {
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    synchronized Socket track(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        created.add(s);
        if (aborted) s.close();
        return s;
    }

    /** Closes every socket of this connection; blocked reads and writes fail at once. */
    void abort() {
        List<Socket> all;
        synchronized (this) {
            aborted = true;
            all = List.copyOf(created);
        }
        for (Socket s : all) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    boolean aborted() {
        return aborted;
    }

    SocketFactory plain() {
        return new SocketFactory() {
            @Override public Socket createSocket() throws IOException { return track(new GuardedSocket()); }
            @Override public Socket createSocket(String h, int p) throws IOException {
                return connected(track(new GuardedSocket()), h, p);
            }
            @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
                Socket s = track(new GuardedSocket());
                s.bind(new java.net.InetSocketAddress(la, lp));
                return connected(s, h, p);
            }
            @Override public Socket createSocket(InetAddress h, int p) throws IOException {
                return connected(track(new GuardedSocket()), h, p);
            }
            @Override public Socket createSocket(InetAddress h, int p, InetAddress la, int lp) throws IOException {
                Socket s = track(new GuardedSocket());
                s.bind(new java.net.InetSocketAddress(la, lp));
                return connected(s, h, p);
            }
        };
    }

    SSLSocketFactory tls(SSLContext context) {
        SSLSocketFactory d;
        try {
            d = context != null ? context.getSocketFactory() : SSLContext.getDefault().getSocketFactory();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new MailStoreException.InvalidRequest("no TLS support in this JVM");
        }
        return new SSLSocketFactory() {
            @Override public String[] getDefaultCipherSuites() { return d.getDefaultCipherSuites(); }
            @Override public String[] getSupportedCipherSuites() { return d.getSupportedCipherSuites(); }
            @Override public Socket createSocket() throws IOException { return track(d.createSocket()); }
            @Override public Socket createSocket(Socket s, String h, int p, boolean autoClose) throws IOException {
                if (s instanceof GuardedSocket g) g.tlsStarted();
                return track(d.createSocket(s, h, p, autoClose));
            }
            @Override public Socket createSocket(String h, int p) throws IOException { return track(d.createSocket(h, p)); }
            @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
                return track(d.createSocket(h, p, la, lp));
            }
            @Override public Socket createSocket(InetAddress h, int p) throws IOException { return track(d.createSocket(h, p)); }
            @Override public Socket createSocket(InetAddress h, int p, InetAddress la, int lp) throws IOException {
                return track(d.createSocket(h, p, la, lp));
            }
        };
    }
}
