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
    private volatile boolean aborted;

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
            @Override public Socket createSocket() throws IOException { return track(new Socket()); }
            @Override public Socket createSocket(String h, int p) throws IOException { return track(new Socket(h, p)); }
            @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
                return track(new Socket(h, p, la, lp));
            }
            @Override public Socket createSocket(InetAddress h, int p) throws IOException { return track(new Socket(h, p)); }
            @Override public Socket createSocket(InetAddress h, int p, InetAddress la, int lp) throws IOException {
                return track(new Socket(h, p, la, lp));
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
