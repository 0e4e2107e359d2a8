package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * One mailbox per account, however it is served. {@link #connect} gives a device its own view of
 * its account's mailbox (closed by the device); {@link #messages} counts what the mailbox holds.
 */
public sealed interface AccountStores extends AutoCloseable {
    /** A new connection (or view) of {@code account}'s mailbox for one device. */
    MailStore connect(int account);

    /** Messages in every folder of {@code account}'s mailbox, by kind. */
    StoreMessages messages(int account);

    /** What a hostile provider can do to {@code account}'s mailbox ({@link ProviderAccess}): fault hooks in process, an IMAP session on a server. */
    ProviderAccess provider(int account);

    /** {@code memory}, {@code greenmail}, {@code dovecot} or {@code imap}. */
    String kind();

    /**
     * The server holding {@code account}'s mailbox restarts: memory - every watch on the account's
     * mailbox sees its connection drop and reconnects; greenmail and dovecot - the whole server stops
     * and starts again on the same port, users and mail ({@link LocalImapServer#restart}), so every
     * account's connections drop; imap - nothing here (an existing server is not ours to restart: the
     * fleet's links drop the account's connections, which is what its devices see of a restart).
     */
    void restart(int account);

    /**
     * The server holding {@code account}'s mailbox comes back from a restore (from a backup, a migration) with
     * {@code folder} rebuilt: a new UIDVALIDITY, the same messages and flags under new UIDs in another order - but
     * the {@code newestLost} newest, which the backup did not have yet.
     * memory - in one step ({@code MemoryFaults.rebuild}), then as {@link #restart}; greenmail and dovecot - the
     * whole server stops, the folder is rebuilt, and it starts again ({@link LocalImapServer#rebuild}); imap - not
     * built: {@link UnsupportedOperationException} (an existing server is not the simulator's to restore).
     *
     * @return false when {@code folder} does not exist (nothing was done)
     */
    boolean rebuild(int account, String folder, int newestLost);

    @Override void close();

    /** The store kinds {@link #open} knows, besides an {@code imap://} spec ({@link ImapAccounts}). */
    List<String> KINDS = List.of("memory", "greenmail", "dovecot");

    /**
     * Checks that {@link #open} knows {@code spec} and can open it here: a kind of {@link #KINDS} (Dovecot
     * installed for {@code dovecot}), or an {@code imap://} spec that parses with a password in {@code env}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void check(String spec, Map<String, String> env) {
        if (ImapAccounts.isSpec(spec)) {
            ImapAccounts.parse(spec, env);
            return;
        }
        if (!KINDS.contains(spec)) {
            throw new IllegalArgumentException("the store must be one of " + KINDS + " or imap://USER@HOST:PORT[?tls=...] with "
                    + ImapAccounts.PLACEHOLDER + " in USER" + (spec.contains("@") ? "" : ", not " + spec)); // a URL may hold a password
        }
        if (spec.equals("dovecot") && !DovecotServer.isInstalled()) {
            throw new IllegalArgumentException("store dovecot needs Dovecot installed (e.g. apt-get install dovecot-imapd); the dovecot binary was not found");
        }
    }

    /**
     * {@code memory}: one {@link MemoryMailStore} per account; {@code greenmail}: one embedded server;
     * {@code dovecot}: a throw-away Dovecot on a free loopback port, started from the installed
     * binary (its directory deleted at close); one user per account on either server. An
     * {@code imap://} spec: an existing server with one pre-created user per account ({@link ImapAccounts};
     * the password from this process's environment).
     *
     * @throws IllegalArgumentException for another kind, a bad spec, or when Dovecot is not installed or does not start
     */
    static AccountStores open(String kind, SecureRandom random) {
        return open(kind, random, System.getenv());
    }

    /** As {@link #open(String, SecureRandom)}, an {@code imap://} spec's password from {@code env}. */
    static AccountStores open(String kind, SecureRandom random, Map<String, String> env) {
        if (ImapAccounts.isSpec(kind)) return new OnServer("imap", ImapAccounts.parse(kind, env)::settings, null);
        return switch (kind) {
            case "memory" -> new Memory();
            case "greenmail" -> OnServer.started(GreenMailServer.start(random));
            case "dovecot" -> {
                if (!DovecotServer.isInstalled()) throw new IllegalArgumentException("store dovecot needs Dovecot installed (the dovecot binary was not found)");
                try {
                    yield OnServer.started(DovecotServer.start(random));
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("store dovecot: Dovecot did not start: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalArgumentException("store must be one of " + KINDS + ", not " + kind);
        };
    }

    private static StoreMessages count(MailStore s) {
        long journal = 0;
        long drops = 0;
        long other = 0;
        for (String f : s.listFolders()) {
            if (s.status(f).messages() == 0) continue;
            for (StoredMessage m : s.fetch(f, UidRange.from(1), Fetch.HEADERS)) {
                SmaHeader.Kind kind = kindOf(m);
                if (kind == SmaHeader.Kind.JOURNAL || kind == SmaHeader.Kind.SNAPSHOT) journal++;
                else if (kind == SmaHeader.Kind.DROP) drops++;
                else other++;
            }
        }
        return new StoreMessages(journal, drops, other);
    }

    private static SmaHeader.Kind kindOf(StoredMessage m) {
        List<String> h = m.header(SmaHeader.NAME);
        if (h.isEmpty()) return null;
        try {
            return SmaHeader.parse(h.get(0)).kind();
        } catch (SmaFormatException e) {
            return null;
        }
    }

    /** In-process mailboxes. */
    final class Memory implements AccountStores {
        private final Map<Integer, MemoryMailStore> stores = new ConcurrentHashMap<>();

        private MemoryMailStore of(int account) { return stores.computeIfAbsent(account, a -> new MemoryMailStore()); }

        /** A view that leaves the shared mailbox open when the device closes it. */
        @Override public MailStore connect(int account) { return new CountingMailStore(of(account), false); }

        @Override public StoreMessages messages(int account) { return count(of(account)); }

        @Override public ProviderAccess provider(int account) { return ProviderAccess.of(of(account)); }

        @Override public String kind() { return "memory"; }

        @Override public void restart(int account) {
            of(account).faults().dropConnections(0, dev.kinbox.journal.mail.MemoryFaults.DropPoint.BEFORE_APPLY);
        }

        @Override public boolean rebuild(int account, String folder, int newestLost) {
            MemoryMailStore store = of(account);
            try {
                store.faults().rebuild(folder, newestLost);
            } catch (MailStoreException.FolderMissing gone) {
                return false;
            }
            restart(account);
            return true;
        }

        @Override public void close() { stores.values().forEach(MemoryMailStore::close); }
    }

    /**
     * Mailboxes on an IMAP server - a local one started for the run, or an existing one with a
     * pre-created user per account; each device gets its own client (a pool of {@link #POOL} command
     * connections plus one per watch). One client shared by an account's devices was tried and
     * measured slower: its two connections serialized every device's sweeps, uploads and nudges (a
     * 6-account GreenMail run acknowledged 68 edits in a minute).
     */
    final class OnServer implements AccountStores {
        static final int POOL = 2;
        private final String kind;
        private final IntFunction<ImapSettings> login;
        private final LocalImapServer server; // null: an existing server, not ours to restart or stop
        private final Map<Integer, MailStore> admin = new ConcurrentHashMap<>();

        OnServer(String kind, IntFunction<ImapSettings> login, LocalImapServer server) {
            this.kind = kind;
            this.login = login;
            this.server = server;
        }

        static OnServer started(LocalImapServer server) {
            return new OnServer(server.kind(), account -> server.settings(server.addUser("sim" + account)), server);
        }

        @Override public MailStore connect(int account) {
            return ImapMailStore.connect(login.apply(account).withPoolSize(POOL));
        }

        @Override public StoreMessages messages(int account) { return count(admin.computeIfAbsent(account, this::connect)); }

        /** The simulator's own session of the account (shared with the mailbox counts), which the provider acts through. */
        @Override public ProviderAccess provider(int account) { return ProviderAccess.overImap(admin.computeIfAbsent(account, this::connect)); }

        @Override public String kind() { return kind; }

        /** Restarts the whole local server (every account's connections drop), keeping port, users and mail; nothing on an existing server. */
        @Override public void restart(int account) {
            if (server != null) server.restart();
        }

        /** Stops the local server, rebuilds the folder, starts it again; {@link UnsupportedOperationException} on an existing server. */
        @Override public boolean rebuild(int account, String folder, int newestLost) {
            if (server == null) {
                throw new UnsupportedOperationException("folder rebuilds need a server the simulator runs (--store memory, greenmail or dovecot), "
                        + "not an existing one");
            }
            try {
                server.rebuild(login.apply(account).user(), folder, newestLost);
            } catch (IllegalArgumentException noSuchFolder) {
                return false;
            }
            return true;
        }

        @Override public void close() {
            try {
                admin.values().forEach(MailStore::close);
            } finally {
                if (server != null) server.close();
            }
        }
    }
}
