package dev.kinbox.journal.mail;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An in-process {@link MailStore} with IMAP semantics: per-folder UIDs strictly increase and are
 * never reused, UIDVALIDITY changes when a folder is recreated, flags, expunge, CONDSTORE mod-sequences
 * and change notifications. {@link #faults()} injects latency, dropped connections, UIDVALIDITY resets
 * and a hostile provider. Time and randomness are injected for reproducible simulations.
 */
public final class MemoryMailStore implements MailStore {
    private static final Set<Capability> CAPS =
            Collections.unmodifiableSet(EnumSet.of(Capability.IDLE, Capability.UIDPLUS, Capability.MULTIAPPEND, Capability.CONDSTORE, Capability.MOVE));
    static final int MAX_MESSAGE_BYTES = 32 << 20;
    static final int MAX_APPEND_COUNT = 10_000;

    private final Clock clock;
    private final Random random;
    private final MemoryFaults faults = new MemoryFaults(this);
    private final Map<String, Folder> folders = new TreeMap<>();
    private final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final long id = STORES.incrementAndGet();
    /**
     * Watch events, in order: one thread at most, which ends after {@link #EVENT_THREAD_IDLE} without
     * events (a simulation of 25,000 accounts held 25,000 idle event threads before, one per mailbox).
     */
    private final ThreadPoolExecutor events = eventThread(eventThreadName());
    private long lastUidValidity;
    private boolean closed;

    /** How long a store's event thread waits for the next event before it ends (a later event starts another). */
    static final Duration EVENT_THREAD_IDLE = Duration.ofSeconds(2);

    private static final AtomicLong STORES = new AtomicLong();

    /** The name of this store's event thread, while it has one. */
    String eventThreadName() {
        return "memory-mailstore-events-" + id;
    }

    private static ThreadPoolExecutor eventThread(String name) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, EVENT_THREAD_IDLE.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /** A store on the system clock with an unseeded Random. */
    public MemoryMailStore() {
        this(Clock.systemUTC(), new Random());
    }

    /** A store whose UIDVALIDITY values come from {@code clock} and whose hostile reordering uses {@code random}. */
    public MemoryMailStore(Clock clock, Random random) {
        this.clock = clock;
        this.random = random;
        folders.put("INBOX", new Folder(nextUidValidity()));
    }

    /** The fault hooks of this store. */
    public MemoryFaults faults() {
        return faults;
    }

    @Override public Set<Capability> capabilities() {
        return CAPS;
    }

    @Override public List<String> listFolders() {
        enter();
        synchronized (this) {
            return List.copyOf(folders.keySet());
        }
    }

    @Override public void createFolder(String folder) {
        createFolderExclusive(folder);
    }

    @Override public boolean createFolderExclusive(String folder) {
        String name = Requests.folder(folder);
        enter();
        boolean created;
        synchronized (this) {
            created = !folders.containsKey(name);
            if (created) {
                Folder f = new Folder(nextUidValidity());
                folders.put(name, f);
                for (MemoryWatch w : watchesOf(name)) w.found(f.uidValidity);
            }
        }
        leave();
        return created;
    }

    @Override public void deleteFolder(String folder) {
        String name = Requests.folder(folder);
        if (name.equals("INBOX")) throw new MailStoreException.CommandRefused("INBOX cannot be deleted", null);
        enter();
        synchronized (this) {
            if (folders.remove(name) == null) throw new MailStoreException.FolderMissing(name, null);
            for (MemoryWatch w : watchesOf(name)) w.post(new FolderEvent.Missing(name));
        }
        leave();
    }

    @Override public FolderStatus status(String folder) {
        String name = Requests.folder(folder);
        enter();
        synchronized (this) {
            Folder f = folder(name);
            return new FolderStatus(f.messages.size(), f.uidNext, f.uidValidity, OptionalLong.of(f.modSeq));
        }
    }

    @Override public AppendResult append(String folder, List<NewMessage> messages) {
        String name = Requests.folder(folder);
        List<NewMessage> ms = Requests.messages(messages, MAX_MESSAGE_BYTES, MAX_APPEND_COUNT);
        enter();
        AppendResult result;
        synchronized (this) {
            Folder f = folder(name);
            List<Long> uids = new ArrayList<>(ms.size());
            for (NewMessage m : ms) uids.add(f.add(m.rawUnsafe(), m.flags()));
            result = new AppendResult(f.uidValidity, uids);
            changed(name);
        }
        leave();
        return result;
    }

    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) {
        String name = Requests.folder(folder);
        enter();
        synchronized (this) {
            Folder f = folder(name);
            long last = range.last() == UidRange.NEWEST ? Long.MAX_VALUE : range.last();
            List<StoredMessage> out = new ArrayList<>();
            for (Stored s : f.messages.subMap(range.first(), true, last, true).values()) {
                int end = Headers.headerEnd(s.raw);
                byte[] headers = java.util.Arrays.copyOf(s.raw, end);
                byte[] body = what == Fetch.FULL ? java.util.Arrays.copyOfRange(s.raw, end, s.raw.length) : new byte[0];
                out.add(new StoredMessage(s.uid, s.flags, s.raw.length, headers, body));
            }
            return out;
        }
    }

    @Override public List<Long> search(String folder, String header, String value) {
        String name = Requests.folder(folder);
        Requests.search(header, value);
        String needle = value.toLowerCase(Locale.ROOT);
        enter();
        synchronized (this) {
            List<Long> out = new ArrayList<>();
            for (Stored s : folder(name).messages.values()) {
                for (String v : Headers.values(Headers.headerSection(s.raw), header)) {
                    if (v.toLowerCase(Locale.ROOT).contains(needle)) { out.add(s.uid); break; }
                }
            }
            return out;
        }
    }

    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) {
        String name = Requests.folder(folder);
        TreeSet<Long> us = Requests.uids(uids);
        Set<Flag> fs = Requests.flags(flags);
        enter();
        synchronized (this) {
            Folder f = folder(name);
            boolean any = false;
            for (long u : us) {
                Stored s = f.messages.get(u);
                if (s == null) continue;
                EnumSet<Flag> next = s.flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(s.flags);
                if (set) next.addAll(fs); else next.removeAll(fs);
                f.messages.put(u, new Stored(u, s.raw, Set.copyOf(next), ++f.modSeq));
                any = true;
            }
            if (any) changed(name);
        }
        leave();
    }

    @Override public void delete(String folder, Collection<Long> uids) {
        delete(folder, uids, 0);
    }

    /** Checks the UIDVALIDITY under the same lock as the deletion; 0: any. */
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) {
        String name = Requests.folder(folder);
        TreeSet<Long> us = Requests.uids(uids);
        enter();
        synchronized (this) {
            Folder f = folder(name);
            if (uidValidity != 0 && f.uidValidity != uidValidity) throw new MailStoreException.UidValidityChanged(name, uidValidity, f.uidValidity);
            boolean any = false;
            for (long u : us) any |= f.messages.remove(u) != null;
            if (any) { f.modSeq++; changed(name); }
        }
        leave();
    }

    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) {
        String from = Requests.folder(folder);
        String to = Requests.folder(target);
        TreeSet<Long> us = Requests.uids(uids);
        if (from.equals(to)) throw new MailStoreException.InvalidRequest("move: source and target are the same folder");
        enter();
        Map<Long, Long> moved = new TreeMap<>();
        synchronized (this) {
            Folder f = folder(from);
            Folder t = folder(to);
            for (long u : us) {
                Stored s = f.messages.remove(u);
                if (s != null) moved.put(u, t.add(s.raw, s.flags));
            }
            if (!moved.isEmpty()) {
                f.modSeq++;
                changed(from);
                changed(to);
            }
        }
        leave();
        return Collections.unmodifiableMap(moved);
    }

    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) {
        String name = Requests.folder(folder);
        enter();
        synchronized (this) {
            MemoryWatch w = new MemoryWatch(name, listener, folder(name).uidValidity, events, watches::remove);
            watches.add(w);
            return w;
        }
    }

    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        watches.clear();
        events.shutdown();
    }

    // --- internals -------------------------------------------------------------------------

    private void enter() {
        synchronized (this) {
            if (closed) throw new MailStoreException.Closed("memory store is closed");
        }
        long ms = faults.latency().toMillis();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailStoreException.ConnectionLost("interrupted", e);
            }
        }
        if (faults.dropNow(MemoryFaults.DropPoint.BEFORE_APPLY)) {
            throw new MailStoreException.ConnectionLost("connection dropped (injected, before apply)", null);
        }
    }

    private void leave() {
        if (faults.dropNow(MemoryFaults.DropPoint.AFTER_APPLY)) {
            throw new MailStoreException.ConnectionLost("connection dropped (injected, after apply)", null);
        }
    }

    private Folder folder(String name) {
        Folder f = folders.get(name);
        if (f == null) throw new MailStoreException.FolderMissing(name, null);
        return f;
    }

    private long nextUidValidity() {
        lastUidValidity = Math.max(lastUidValidity + 1, Math.max(1, clock.instant().getEpochSecond()));
        return lastUidValidity;
    }

    private List<MemoryWatch> watchesOf(String folder) {
        List<MemoryWatch> out = new ArrayList<>();
        for (MemoryWatch w : watches) if (w.folder().equals(folder)) out.add(w);
        return out;
    }

    private void changed(String folder) {
        for (MemoryWatch w : watchesOf(folder)) w.post(new FolderEvent.Changed(folder));
    }

    void reconnectWatches() {
        for (MemoryWatch w : watches) w.post(new FolderEvent.Reconnected(w.folder(), 1));
    }

    synchronized void hostileResetUidValidity(String name) {
        Folder f = folder(name);
        Folder fresh = new Folder(nextUidValidity());
        for (Stored s : f.messages.values()) fresh.add(s.raw, s.flags);
        folders.put(name, fresh);
        for (MemoryWatch w : watchesOf(name)) w.found(fresh.uidValidity);
    }

    synchronized void hostileRebuild(String name, int newestLost) {
        Folder f = folder(name);
        java.util.TreeMap<Long, Stored> byUid = new java.util.TreeMap<>(f.messages);
        byUid.putAll(f.hidden);
        for (int i = 0; i < newestLost && !byUid.isEmpty(); i++) byUid.pollLastEntry();
        List<Stored> all = new ArrayList<>(byUid.values());
        Collections.shuffle(all, random);
        Folder fresh = new Folder(nextUidValidity());
        for (Stored s : all) fresh.add(s.raw, s.flags);
        folders.put(name, fresh);
        for (MemoryWatch w : watchesOf(name)) w.found(fresh.uidValidity);
        changed(name);
    }

    synchronized void hostileDelete(String name, long uid) {
        if (folder(name).messages.remove(uid) != null) changed(name);
    }

    synchronized void hostileHide(String name, long uid) {
        Folder f = folder(name);
        Stored s = f.messages.remove(uid);
        if (s == null) throw new MailStoreException.InvalidRequest("no message " + uid + " in " + name);
        f.hidden.put(uid, s);
    }

    synchronized void hostileReveal(String name) {
        Folder f = folder(name);
        f.messages.putAll(f.hidden);
        f.hidden.clear();
        changed(name);
    }

    synchronized void hostileReorder(String name) {
        Folder f = folder(name);
        List<Stored> all = new ArrayList<>(f.messages.values());
        Collections.shuffle(all, random);
        f.messages.clear();
        for (Stored s : all) f.add(s.raw, s.flags);
        changed(name);
    }

    synchronized void hostileAlter(String name, long uid, UnaryOperator<byte[]> change) {
        Folder f = folder(name);
        Stored s = f.messages.get(uid);
        if (s == null) throw new MailStoreException.InvalidRequest("no message " + uid + " in " + name);
        byte[] next = change.apply(s.raw.clone());
        if (next == null || next.length == 0) throw new MailStoreException.InvalidRequest("altered message is empty");
        f.messages.put(uid, new Stored(uid, next.clone(), s.flags, ++f.modSeq));
        changed(name);
    }

    synchronized long hostileInject(String name, NewMessage m) {
        long uid = folder(name).add(m.rawUnsafe(), m.flags());
        changed(name);
        return uid;
    }

    private record Stored(long uid, byte[] raw, Set<Flag> flags, long modSeq) {}

    private static final class Folder {
        final long uidValidity;
        final TreeMap<Long, Stored> messages = new TreeMap<>();
        /** Messages {@link MemoryFaults#hide} keeps out of sight, under their UIDs. */
        final TreeMap<Long, Stored> hidden = new TreeMap<>();
        long uidNext = 1;
        long modSeq = 1;

        Folder(long uidValidity) {
            this.uidValidity = uidValidity;
        }

        long add(byte[] raw, Set<Flag> flags) {
            long uid = uidNext++;
            messages.put(uid, new Stored(uid, raw.clone(), flags, ++modSeq));
            return uid;
        }
    }
}
