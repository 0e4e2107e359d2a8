package dev.kinbox.journal.mail.servers;

import com.icegreen.greenmail.imap.ImapServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinbox.journal.mail.Secret;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GreenMail's IMAP server in this JVM on a free loopback port. It has IDLE, UIDPLUS, MOVE and
 * LITERAL+, but no MULTIAPPEND or CONDSTORE, and slows down with folder size (keep folders small).
 */
public final class GreenMailServer implements LocalImapServer {
    private final GreenMail greenMail;
    private final SecureRandom random;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private ImapServer restarted; // the IMAP service since the last restart (GreenMail keeps the first one)

    private GreenMailServer(GreenMail greenMail, SecureRandom random) {
        this.greenMail = greenMail;
        this.random = random;
    }

    /** Starts a server; {@code random} makes the passwords. */
    public static GreenMailServer start(SecureRandom random) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        setup.setServerStartupTimeout(10_000);
        GreenMail gm = new GreenMail(setup);
        gm.start();
        return new GreenMailServer(gm, random);
    }

    @Override public String kind() { return "greenmail"; }

    @Override public String host() { return "127.0.0.1"; }

    @Override public int port() { return greenMail.getImap().getPort(); }

    @Override public Account addUser(String user) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return addUser(user, HexFormat.of().formatHex(b));
    }

    @Override public Account addUser(String user, String password) {
        return accounts.computeIfAbsent(user, u -> {
            Account a = new Account(u, Secret.of(password));
            greenMail.setUser(u + "@kinbox.test", u, password);
            return a;
        });
    }

    /**
     * Stops the IMAP service (every client connection closes) and starts a new one on the same port
     * over the same users and mail (GreenMail's own stop and start would drop the mail and could
     * take another port).
     */
    @Override public synchronized void restart() {
        int port = port();
        (restarted != null ? restarted : greenMail.getImap()).stopService();
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        setup.setServerStartupTimeout(10_000);
        ImapServer next = new ImapServer(setup, greenMail.getManagers());
        next.startService();
        boolean running;
        try {
            running = next.waitTillRunning(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        if (!running) {
            next.stopService();
            throw new IllegalStateException("greenmail did not restart on port " + port);
        }
        restarted = next;
    }

    @Override public synchronized void close() {
        try {
            if (restarted != null) restarted.stopService();
        } finally {
            greenMail.stop();
        }
    }
}
