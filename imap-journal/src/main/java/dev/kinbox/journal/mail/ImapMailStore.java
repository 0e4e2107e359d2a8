package dev.kinbox.journal.mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Status;

/**
 * A {@link MailStore} on a real IMAP server, through Angus Mail's protocol engine with our own
 * commands: real MULTIAPPEND, UIDPLUS, one UID FETCH per range, UID EXPUNGE. Plain, STARTTLS or
 * TLS; a small connection pool; reconnect with backoff; every socket operation and every whole
 * operation has a deadline. Open with {@link #connect}.
 */
public final class ImapMailStore implements MailStore {
    private static final int MAX_APPEND_CHUNK = 500;
    private static final int MAX_APPEND_CHUNK_BYTES = 16 << 20;

    private final ImapSettings settings;
    private final ScheduledExecutorService timers;
    private final ImapPool pool;
    private final List<ImapWatch> watches = new CopyOnWriteArrayList<>();
    private volatile Set<Capability> capabilities;

    private ImapMailStore(ImapSettings settings) {
        this.settings = settings;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "imap-timers");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true); // one deadline per operation, almost all cancelled
        this.timers = t;
        this.pool = new ImapPool(settings, timers);
    }

    /** Connects and logs in once (so bad credentials fail here), then returns the store. */
    public static ImapMailStore connect(ImapSettings settings) {
        ImapMailStore s = new ImapMailStore(settings);
        try {
            s.capabilities = s.pool.capabilities();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The settings this store was opened with. */
    public ImapSettings settings() {
        return settings;
    }

    @Override public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override public List<String> listFolders() {
        return pool.run("LIST", true, c -> {
            ListInfo[] li = c.protocol.list("", "%");
            List<String> out = new ArrayList<>();
            if (li != null) for (ListInfo l : li) out.add(l.name.equalsIgnoreCase("INBOX") ? "INBOX" : l.name);
            return List.copyOf(new TreeSet<>(out));
        });
    }

    @Override public void createFolder(String folder) {
        String name = Requests.folder(folder);
        pool.run("CREATE " + name, true, c -> {
            try {
                c.protocol.create(name);
            } catch (CommandFailedException e) {
                if (!c.exists(name)) throw e;
            }
            return null;
        });
    }

    // One CREATE, no retry: a NO with the folder present means another session created it first.
    @Override public boolean createFolderExclusive(String folder) {
        String name = Requests.folder(folder);
        return pool.run("CREATE " + name, false, c -> {
            try {
                c.protocol.create(name);
                return true;
            } catch (CommandFailedException e) {
                if (c.exists(name)) return false;
                throw e;
            }
        });
    }

    @Override public void deleteFolder(String folder) {
        String name = Requests.folder(folder);
        pool.run("DELETE " + name, false, c -> {
            c.deselect(name);
            try {
                c.protocol.delete(name);
            } catch (CommandFailedException e) {
                throw missingOr(c, name, e);
            }
            return null;
        });
    }

    @Override public FolderStatus status(String folder) {
        String name = Requests.folder(folder);
        return pool.run("STATUS " + name, true, c -> {
            boolean modseq = c.has(Capability.CONDSTORE);
            String[] items = modseq ? new String[] {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "HIGHESTMODSEQ"}
                    : new String[] {"MESSAGES", "UIDNEXT", "UIDVALIDITY"};
            Status st;
            try {
                if (c.isSelected(name)) c.noop(); // a session answers STATUS of its selected folder from its own view: sync it first
                st = c.protocol.status(name, items);
            } catch (CommandFailedException e) {
                throw missingOr(c, name, e);
            }
            if (st == null) throw new MailStoreException.ProtocolViolation("STATUS " + name + ": no STATUS response", null);
            return new FolderStatus(st.total, st.uidnext, st.uidvalidity,
                    modseq && st.highestmodseq > 0 ? OptionalLong.of(st.highestmodseq) : OptionalLong.empty());
        });
    }

    @Override public AppendResult append(String folder, List<NewMessage> messages) {
        String name = Requests.folder(folder);
        List<NewMessage> ms = Requests.messages(messages, settings.maxMessageBytes(), 100_000);
        return pool.run("APPEND " + name, false, c -> ImapAppend.append(c, name, ms, MAX_APPEND_CHUNK, MAX_APPEND_CHUNK_BYTES));
    }

    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) {
        String name = Requests.folder(folder);
        return pool.run("FETCH " + name, true, c -> {
            selectFresh(c, name);
            return ImapFetch.fetch(c, range, what);
        });
    }

    @Override public List<Long> search(String folder, String header, String value) {
        String name = Requests.folder(folder);
        Requests.search(header, value);
        return pool.run("SEARCH " + name, true, c -> {
            selectFresh(c, name);
            return ImapFetch.searchHeader(c, header, value);
        });
    }

    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) {
        String name = Requests.folder(folder);
        TreeSet<Long> us = Requests.uids(uids);
        Set<Flag> fs = Requests.flags(flags);
        if (us.isEmpty()) return;
        pool.run("STORE " + name, true, c -> {
            selectFresh(c, name);
            store(c, us, fs, set);
            return null;
        });
    }

    @Override public void delete(String folder, Collection<Long> uids) {
        delete(folder, uids, 0);
    }

    /** Checks the UIDVALIDITY the SELECT reports, in the session that then flags and expunges; 0: any. */
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) {
        String name = Requests.folder(folder);
        TreeSet<Long> us = Requests.uids(uids);
        if (us.isEmpty()) return;
        pool.run("EXPUNGE " + name, true, c -> {
            long now = selectFresh(c, name);
            if (uidValidity != 0 && now != uidValidity) throw new MailStoreException.UidValidityChanged(name, uidValidity, now);
            store(c, us, EnumSet.of(Flag.DELETED), true);
            if (c.has(Capability.UIDPLUS)) {
                for (String set : Requests.uidSets(us, 4000)) c.command("UID EXPUNGE " + set, null);
            } else {
                c.command("EXPUNGE", null);
            }
            return null;
        });
    }

    @Override public java.util.Map<Long, Long> move(String folder, Collection<Long> uids, String target) {
        String from = Requests.folder(folder);
        String to = Requests.folder(target);
        TreeSet<Long> us = Requests.uids(uids);
        if (from.equals(to)) throw new MailStoreException.InvalidRequest("move: source and target are the same folder");
        if (!capabilities.contains(Capability.MOVE) || !capabilities.contains(Capability.UIDPLUS)) {
            throw new MailStoreException.CommandRefused("server lacks MOVE or UIDPLUS; an atomic move is not possible", null);
        }
        if (us.isEmpty()) return java.util.Map.of();
        return pool.run("MOVE " + from, false, c -> ImapMove.move(c, from, us, to));
    }

    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) {
        String name = Requests.folder(folder);
        ImapWatch w = ImapWatch.start(settings, timers, name, listener, watches::remove);
        watches.add(w);
        return w;
    }

    @Override public void close() {
        for (ImapWatch w : watches) w.close();
        pool.close();
        timers.shutdownNow();
    }

    // --- helpers ------------------------------------------------------------------------------

    /**
     * Selects, syncing a cached selection first, so FETCH, SEARCH, STORE and EXPUNGE see other sessions'
     * changes: a server ignores UIDs it has not announced to the connection (on Dovecot a UID STORE or
     * UID EXPUNGE over a stale selection answered OK and left another session's new message alone).
     */
    /** Selects {@code name} afresh; returns its UIDVALIDITY. */
    private static long selectFresh(ImapConnection c, String name) throws Exception {
        try {
            return c.selectFresh(name);
        } catch (CommandFailedException e) {
            c.forgetSelection();
            throw missingOr(c, name, e);
        }
    }

    private static void store(ImapConnection c, TreeSet<Long> uids, Set<Flag> flags, boolean set) throws Exception {
        StringBuilder fl = new StringBuilder();
        for (Flag f : flags) fl.append(fl.length() == 0 ? "" : " ").append(f.imap());
        for (String s : Requests.uidSets(uids, 4000)) {
            c.command("UID STORE " + s + (set ? " +FLAGS.SILENT (" : " -FLAGS.SILENT (") + fl + ")", null);
        }
    }

    /** After a NO: {@link MailStoreException.FolderMissing} if LIST does not show the folder, else the NO itself. */
    static Exception missingOr(ImapConnection c, String name, CommandFailedException e) throws Exception {
        return c.exists(name) ? e : new MailStoreException.FolderMissing(name, e);
    }

    /** Untagged responses that mean "the selected folder changed". */
    static boolean isChange(Response r) {
        return r instanceof IMAPResponse ir && (ir.keyEquals("EXISTS") || ir.keyEquals("EXPUNGE")
                || ir.keyEquals("FETCH") || ir.keyEquals("VANISHED"));
    }

    static Argument args() {
        return new Argument();
    }
}
