package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One mailbox per account, however it is served. {@link #connect} gives a device its own view of
 * its account's mailbox (closed by the device); {@link #messages} counts what the mailbox holds.
 */
public sealed interface AccountStores extends AutoCloseable {
    /** A new connection (or view) of {@code account}'s mailbox for one device. */
    MailStore connect(int account);

    /** Messages in every folder of {@code account}'s mailbox. */
    long messages(int account);

    /** {@code memory} or {@code greenmail}. */
    String kind();

    @Override void close();

    /** {@code memory}: one {@link MemoryMailStore} per account, or {@code greenmail}: one embedded server, one user per account. */
    static AccountStores open(String kind, SecureRandom random) {
        return switch (kind) {
            case "memory" -> new Memory();
            case "greenmail" -> new OnServer(GreenMailServer.start(random));
            default -> throw new IllegalArgumentException("store must be memory or greenmail, not " + kind);
        };
    }

    private static long count(MailStore s) {
        long n = 0;
        for (String f : s.listFolders()) n += s.status(f).messages();
        return n;
    }

    /** In-process mailboxes. */
    final class Memory implements AccountStores {
        private final Map<Integer, MemoryMailStore> stores = new ConcurrentHashMap<>();

        private MemoryMailStore of(int account) { return stores.computeIfAbsent(account, a -> new MemoryMailStore()); }

        /** A view that leaves the shared mailbox open when the device closes it. */
        @Override public MailStore connect(int account) { return new dev.kinbox.journal.mail.CountingMailStore(of(account), false); }

        @Override public long messages(int account) { return count(of(account)); }

        @Override public String kind() { return "memory"; }

        @Override public void close() { stores.values().forEach(MemoryMailStore::close); }
    }

    /** Mailboxes on a local IMAP server started for the run. */
    final class OnServer implements AccountStores {
        private final LocalImapServer server;
        private final Map<Integer, MailStore> admin = new ConcurrentHashMap<>();

        OnServer(LocalImapServer server) { this.server = server; }

        @Override public MailStore connect(int account) {
            return ImapMailStore.connect(server.settings(server.addUser("sim" + account)));
        }

        @Override public long messages(int account) { return count(admin.computeIfAbsent(account, this::connect)); }

        @Override public String kind() { return server.kind(); }

        @Override public void close() {
            try {
                admin.values().forEach(MailStore::close);
            } finally {
                server.close();
            }
        }
    }
}
