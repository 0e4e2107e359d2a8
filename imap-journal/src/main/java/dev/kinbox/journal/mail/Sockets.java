package dev.kinbox.journal.mail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for one IMAP connection: they set TCP_NODELAY (Angus does not; without it every
 * command waits for Nagle, ~44 ms), remember their sockets so a deadline can close them, and pass
 * everything the server sends through a {@link LiteralGuard}: on plain sockets directly, on TLS
 * sockets (implicit TLS and STARTTLS alike) through a {@link GuardedSslSocket} that guards the
 * decrypted stream Angus reads.
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

        /** STARTTLS: from now on this stream is ciphertext, guarded after decryption instead. */
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

    /**
     * Closes every socket of this connection, TCP before TLS (in creation order); blocked reads and
     * writes fail at once.
     */
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

    /** Wraps a TLS socket so its decrypted input is guarded, and tracks the wrapper. */
    private Socket guarded(Socket s) throws IOException {
        if (!(s instanceof SSLSocket ssl)) {
            s.close();
            throw new IOException("TLS socket factory returned a " + s.getClass().getSimpleName());
        }
        return track(new GuardedSslSocket(ssl, maxLiteral));
    }

    /**
     * STARTTLS layers TLS over our plain socket (Angus passes it wrapped in its write-timeout
     * socket): the plain guard would now see ciphertext, so it stops looking.
     */
    private void plainCarriesTls() throws IOException {
        List<Socket> all;
        synchronized (this) {
            all = List.copyOf(created);
        }
        for (Socket s : all) if (s instanceof GuardedSocket g) g.tlsStarted();
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
            @Override public Socket createSocket() throws IOException { return guarded(d.createSocket()); }
            @Override public Socket createSocket(Socket s, String h, int p, boolean autoClose) throws IOException {
                plainCarriesTls();
                // Track the TCP socket under the TLS layer too (for implicit TLS Angus made it itself):
                // abort() closes it before the TLS socket, whose own close would otherwise wait up to
                // a read timeout for the server's close_notify.
                track(s);
                return guarded(d.createSocket(s, h, p, autoClose));
            }
            @Override public Socket createSocket(String h, int p) throws IOException { return guarded(d.createSocket(h, p)); }
            @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
                return guarded(d.createSocket(h, p, la, lp));
            }
            @Override public Socket createSocket(InetAddress h, int p) throws IOException { return guarded(d.createSocket(h, p)); }
            @Override public Socket createSocket(InetAddress h, int p, InetAddress la, int lp) throws IOException {
                return guarded(d.createSocket(h, p, la, lp));
            }
        };
    }
}
