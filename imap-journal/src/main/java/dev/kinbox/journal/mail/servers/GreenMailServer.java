package dev.kinbox.journal.mail.servers;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.AuthorizationException;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinbox.journal.mail.Secret;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GreenMail's IMAP server in this JVM on a free loopback port. It has IDLE, UIDPLUS, MOVE and
 * LITERAL+, but no MULTIAPPEND or CONDSTORE, and slows down with folder size (keep folders small).
 */
public final class GreenMailServer implements LocalImapServer {
    /** How often {@link #rebuild} creates a folder to get a UIDVALIDITY other than its old one. */
    private static final int NEW_UIDVALIDITY_ATTEMPTS = 3;

    private final GreenMail greenMail;
    private final SecureRandom random;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final AbstractServer first; // the IMAP service GreenMail started
    private AbstractServer restarted; // the IMAP service since the last restart (GreenMail keeps the first one)

    private GreenMailServer(GreenMail greenMail, SecureRandom random) {
        this.greenMail = greenMail;
        this.random = random;
        this.first = ((NoDelayGreenMail) greenMail).imap();
    }

    /** Starts a server; {@code random} makes the passwords and the message order of {@link #rebuild}. */
    public static GreenMailServer start(SecureRandom random) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        setup.setServerStartupTimeout(10_000);
        GreenMail gm = new NoDelayGreenMail(setup);
        gm.start();
        return new GreenMailServer(gm, random);
    }

    /** GreenMail with its IMAP service a {@link NoDelayImapServer}. */
    private static final class NoDelayGreenMail extends GreenMail {
        NoDelayGreenMail(ServerSetup setup) {
            super(setup);
        }

        @Override protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
            Map<String, AbstractServer> out = new java.util.HashMap<>();
            for (ServerSetup s : config) {
                if (!ServerSetup.PROTOCOL_IMAP.equals(s.getProtocol())) throw new IllegalArgumentException("only IMAP here: " + s.getProtocol());
                out.put(s.getProtocol(), new NoDelayImapServer(s, managers));
            }
            return out;
        }

        AbstractServer imap() {
            return services.get(ServerSetup.PROTOCOL_IMAP);
        }
    }

    @Override public String kind() { return "greenmail"; }

    @Override public String host() { return "127.0.0.1"; }

    @Override public int port() { return (restarted != null ? restarted : first).getPort(); }

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
        stopImap();
        startImap(port);
    }

    /**
     * With the IMAP service stopped, deletes the folder and creates it again - GreenMail gives it a
     * new UIDVALIDITY, the creation second - and appends its messages (flags, received date) in
     * another order, from UID 1, all but the {@code newestLost} newest by UID; then starts the
     * service as {@link #restart()} does. A folder
     * recreated within the second of its old UIDVALIDITY is recreated again in the next second
     * (at most {@value #NEW_UIDVALIDITY_ATTEMPTS} tries). A folder with subfolders is refused
     * (GreenMail deletes no folder with children). Where the UIDVALIDITY stays the same, the
     * messages are still put back, the service started, and an {@link IllegalStateException} names
     * the problem.
     */
    @Override public synchronized void rebuild(String user, String folder, int newestLost) {
        if (newestLost < 0) throw new IllegalArgumentException("newestLost must be at least 0: " + newestLost);
        String name = FolderNames.checked(folder);
        ImapHostManager host = greenMail.getManagers().getImapHostManager();
        GreenMailUser owner = user == null ? null : greenMail.getManagers().getUserManager().getUser(user);
        if (owner == null) throw new IllegalArgumentException("no user " + user + " on this greenmail");
        MailFolder old = host.getFolder(owner, name);
        if (old == null || !old.isSelectable()) throw new IllegalArgumentException("user " + user + " has no folder " + name);
        if (!host.getStore().getChildren(old).isEmpty()) {
            throw new IllegalArgumentException("folder " + name + " of " + user + " has subfolders: greenmail cannot recreate it");
        }
        int port = port();
        stopImap();
        RuntimeException failed = null;
        try {
            recreate(host, owner, name, old, newestLost);
        } catch (RuntimeException e) {
            failed = e;
        }
        try {
            startImap(port);
        } catch (IllegalStateException e) {
            if (failed != null) e.addSuppressed(failed);
            throw e;
        }
        if (failed != null) throw failed;
    }

    /** Deletes and recreates the mailbox (until its UIDVALIDITY differs, bounded), then appends the messages shuffled. */
    private void recreate(ImapHostManager host, GreenMailUser owner, String name, MailFolder old, int newestLost) {
        long oldUidValidity = old.getUidValidity();
        List<StoredMessage> byUid = old.getMessages().stream().sorted(java.util.Comparator.comparingLong(StoredMessage::getUid)).toList();
        List<StoredMessage> messages = FolderNames.anotherOrder(byUid.subList(0, Math.max(0, byUid.size() - newestLost)), random);
        MailFolder fresh;
        try {
            fresh = replace(host, owner, name, old);
            for (int attempt = 1; attempt < NEW_UIDVALIDITY_ATTEMPTS && fresh.getUidValidity() == oldUidValidity; attempt++) {
                awaitNextSecond();
                fresh = replace(host, owner, name, fresh);
            }
        } catch (FolderException | AuthorizationException e) {
            throw new IllegalStateException("greenmail could not recreate folder " + name + " of " + owner.getLogin() + ": " + e.getMessage(), e);
        }
        for (StoredMessage m : messages) fresh.appendMessage(m.getMimeMessage(), m.getFlags(), m.getReceivedDate());
        if (fresh.getUidValidity() == oldUidValidity) {
            throw new IllegalStateException("greenmail kept UIDVALIDITY " + oldUidValidity + " of folder " + name
                    + " after " + NEW_UIDVALIDITY_ATTEMPTS + " tries (messages renumbered anyway)");
        }
    }

    /** Empties and deletes {@code folder} in the store (ImapHostManager's DELETE refuses INBOX) and creates it anew. */
    private static MailFolder replace(ImapHostManager host, GreenMailUser owner, String name, MailFolder folder)
            throws FolderException, AuthorizationException {
        folder.deleteAllMessages();
        host.getStore().deleteMailbox(folder);
        return host.createMailbox(owner, name);
    }

    /** Sleeps into the next wall-clock second (GreenMail's UIDVALIDITY is the creation second); bounded by about a second. */
    private static void awaitNextSecond() {
        long second = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 10 && System.currentTimeMillis() / 1000 == second; i++) {
            try {
                Thread.sleep(Math.max(1, 1000 - System.currentTimeMillis() % 1000 + 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stopImap() {
        (restarted != null ? restarted : first).stopService();
    }

    /** Starts a new IMAP service on {@code port} over the same managers; {@link IllegalStateException} when it does not run. */
    private void startImap(int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        setup.setServerStartupTimeout(10_000);
        AbstractServer next = new NoDelayImapServer(setup, greenMail.getManagers());
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
