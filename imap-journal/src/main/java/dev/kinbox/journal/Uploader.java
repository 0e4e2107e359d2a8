package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.LogEntry;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one persistence id's locally stored events to its SMA folder, in order, one run at a time:
 * journal entry messages (size-capped, cut at AtomicWrite boundaries where possible), then the newest
 * local snapshot and compaction ({@link ServerFolder}); Pekko deletions of events and snapshots are
 * carried to the server in the same order (deletion mark, then the entries and snapshots it removes). Never blocks the write path: {@link #kick}
 * only schedules a run. A failed run backs off (doubling, capped) and retries; an uncertain APPEND is
 * looked up by Message-ID before it is retried, so nothing is stored twice; the upload cursor moves
 * only after the server copy is confirmed.
 */
final class Uploader {
    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

    private final String pid;
    private final Runtime rt;
    private final ServerFolder folder;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean dirty;
    private volatile boolean reconciled;
    private volatile boolean auditDue;
    /** The device was retired from its account ({@link #retire}): its folder is never created again here. */
    private volatile boolean retired;
    /** Retired, and the folder was found gone or replaced: this uploader does nothing more. */
    private volatile boolean halted;
    /** The folder is gone and its re-creation in doubt ({@link FolderDoubt}): runs wait for {@link #resume}. */
    private volatile boolean held;
    // the audit's own state below is used by the runs only, one at a time (the CAS on running orders them)
    /** The UIDVALIDITY and highest UID of our folder up to which an audit opened our messages ({@link #audit}). */
    private long auditedValidity;
    private long auditedUid;
    /** Our folder's messages in our name that did not open as ours (UIDs in {@link #auditedValidity}): never part of the cover. */
    private final java.util.Set<Long> notOurs = new java.util.HashSet<>();
    /**
     * UIDs the server gave our own APPENDs in {@link #appendedValidity} (or that opened as ours): an audit takes them as ours
     * without opening them, so it opens only what someone else put there in our name.
     */
    private final java.util.Set<Long> appended = new java.util.HashSet<>();
    private long appendedValidity;
    /**
     * Most UIDs kept in {@link #notOurs} and {@link #appended}; past it a set starts again, and what it forgot is opened
     * once more (a full {@link #notOurs} starts the next audit from UID 0).
     */
    private static final int MAX_UIDS = 1024;
    private Duration backoff;
    private final java.util.concurrent.ConcurrentLinkedQueue<Waiter> waiters = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * A caller waiting for the log cursor {@code cursor} to reach {@code n} ({@link #deletedOnServer},
     * {@link #uploadedThrough}); {@code failureEnds}: a failed run answers it too (with false).
     */
    private record Waiter(String cursor, long n, boolean failureEnds, java.util.concurrent.CompletableFuture<Boolean> done) {}

    /** What the uploader needs from the runtime. */
    interface Runtime {
        dev.kinbox.persistence.store.LocalLog log();
        Sealer sealer();
        JournalSettings settings();
        java.time.Clock clock();
        java.util.concurrent.Executor executor();
        void schedule(Duration delay, Runnable task);
        JournalStats stats();
        ServerFolder folder(String pid);
        void nudgeSiblings(long seq);
        void uploaded(String pid, long seq);
        boolean closed();
        /** Whether {@code folder}, found gone where we had uploaded, may be created again now ({@link FolderDoubt#mayCreate}). */
        boolean mayRecreate(String folder);
        /** True while the re-creation of {@code folder} waits for its device's MUAA ({@link FolderDoubt#waiting}). */
        boolean recreationWaits(String folder);
    }

    Uploader(String pid, Runtime rt) {
        this.pid = pid;
        this.rt = rt;
        this.folder = rt.folder(pid);
        this.backoff = rt.settings().upload().backoffMin();
    }

    /** Schedules a run (coalesced with one that is running). */
    void kick() {
        dirty = true;
        if (running.compareAndSet(false, true)) rt.executor().execute(this::run);
    }

    /**
     * Reconciles with the folder at the next run, and kicks one: the folder may have been restored
     * (a new UIDVALIDITY) without what was uploaded last, when no upload is coming to notice it.
     */
    void recheck() {
        reconciled = false;
        kick();
    }

    /**
     * Has the next run check that our folder still holds everything we uploaded ({@link #audit}), and
     * kicks one. Cheap to ask often: a listing of the folder's headers, and each message in our name
     * new since the last audit that our own APPENDs did not put there opened once.
     */
    void audit() {
        auditDue = true;
        kick();
    }

    /**
     * The device was retired from its account (by a sibling, or it left): its folder is its siblings'
     * to delete (docs/PROTOCOL.md, "Removal and expiry"). Runs go on uploading into the folder while it
     * is there - a device that leaves gets its last events up, its own retirement among them - but no
     * run creates it again; an audit asked for (a device that left, waiting for a sibling to read its leave) repairs
     * it only while it is the folder this device uploaded into; once a run finds it gone or under a new UIDVALIDITY (deleted,
     * perhaps created again by someone else) this uploader halts for good, and what it had not uploaded
     * stays in the local log. Before, each deletion by a sibling's clean-up had a device that kept
     * running create its folder again and upload its whole journal into it, and the sibling delete it
     * again at its next check, for as long as both ran.
     */
    void retire() {
        retired = true;
        if (held) kick(); // a run that waited for the word halts now
    }

    /** The doubt over our folder's re-creation ended (the word came, or the wait is up): a run that waited goes on. */
    void resume() {
        if (held) kick();
    }

    /**
     * Completes when the server's deletion mark reaches {@code n}, or when an upload run fails (the
     * deletion stays pending locally and is carried out later), or after {@code wait}; never fails.
     */
    java.util.concurrent.CompletableFuture<Void> deletedOnServer(long n, Duration wait) {
        return await(Cursors.serverDeleted(pid), n, true, wait).thenApply(ok -> null);
    }

    /**
     * Completes with true once every event up to sequence number {@code upTo} that is uploaded at all
     * (local-only events are not) is confirmed on the server - failed runs are retried with the
     * usual back-off meanwhile - and with false after {@code wait} or once the runtime closed.
     * Never fails. Kicks a run. False at once from a halted uploader ({@link #retire}).
     */
    java.util.concurrent.CompletableFuture<Boolean> uploadedThrough(long upTo, Duration wait) {
        // local-only events past our last own one are never uploaded
        return await(Cursors.upload(pid), Math.min(upTo, Cursors.ownHighest(rt.log(), pid)), false, wait);
    }

    /** True once {@code cursor} reaches {@code n}; false after {@code wait}, at shutdown, or (with {@code failureEnds}) after a failed run. Kicks a run. */
    private java.util.concurrent.CompletableFuture<Boolean> await(String cursor, long n, boolean failureEnds, Duration wait) {
        var f = new java.util.concurrent.CompletableFuture<Boolean>();
        if (Cursors.seq(rt.log(), cursor) >= n) {
            f.complete(true);
            return f;
        }
        waiters.add(new Waiter(cursor, n, failureEnds, f));
        f.completeOnTimeout(false, wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        f.whenComplete((v, t) -> waiters.removeIf(w -> w.done() == f));
        kick();
        if (Cursors.seq(rt.log(), cursor) >= n) f.complete(true); // done before we queued
        return f;
    }

    /** Answers the waiters whose cursor got there; {@code failed}: a run failed (or the runtime closed, or this uploader halted). */
    private void release(boolean failed) {
        for (Waiter w : waiters) {
            if (Cursors.seq(rt.log(), w.cursor()) >= w.n()) w.done().complete(true);
            else if (rt.closed() || halted || failed && w.failureEnds()) w.done().complete(false);
        }
    }

    /** True when everything stored locally (events and newest snapshot) is confirmed on the server. */
    boolean idle() {
        var log = rt.log();
        long uploaded = Cursors.seq(log, Cursors.upload(pid));
        long snap = log.latestSnapshot(pid, Long.MAX_VALUE).map(s -> s.sequenceNr()).orElse(0L);
        return (halted || !dirty && !auditDue && !running.get()) && uploaded >= Cursors.ownHighest(log, pid) && Cursors.seq(log, Cursors.snapshot(pid)) >= snap
                && Cursors.seq(log, Cursors.serverDeleted(pid)) >= Cursors.seq(log, Cursors.deleted(pid))
                && Cursors.seq(log, Cursors.snapshotDeletionDone(pid)) >= Cursors.seq(log, Cursors.snapshotDeletion(pid));
    }

    private void run() {
        if (rt.closed() || halted) {
            release(true);
            running.set(false);
            return;
        }
        try {
            boolean nudge = false;
            do {
                dirty = false;
                if (!reconciled) {
                    if ((!retired && rt.recreationWaits(folder.name())) || !reconcile()) {
                        holdOff(); // our folder is gone and may be our siblings' clean-up: until the word, nothing here recreates it
                        return;
                    }
                    held = false;
                    reconciled = true;
                }
                while (going() && uploadOne()) nudge = true;
                release(false); // waiters for these events need not wait for the snapshot work below, nor for later kicks
                if (going()) uploadDeletion();
                if (going()) uploadSnapshot();
                if (going()) dropDeletedSnapshots();
                if (going() && auditDue) {
                    auditDue = false;
                    auditQuietly(); // after the uploads: an audit that fails never holds them up
                }
            } while (dirty && going());
            backoff = rt.settings().upload().backoffMin();
            release(false);
            if (nudge) rt.nudgeSiblings(Cursors.seq(rt.log(), Cursors.upload(pid)));
            running.set(false);
            if (dirty) kick();
        } catch (RuntimeException e) {
            if (retired && (e instanceof MailStoreException.FolderMissing || e instanceof MailStoreException.UidValidityChanged)) {
                halt(); // an APPEND found the folder gone (a sibling's clean-up), or a deletion found it replaced
            }
            release(true); // offline: deleteMessagesTo completes; the deletion is carried out later
            if (rt.closed() || halted) {
                running.set(false);
                return;
            }
            rt.stats().uploadFailures.increment();
            Duration delay = backoff;
            backoff = min(backoff.multipliedBy(2).plusMillis(1), rt.settings().upload().backoffMax());
            if (e instanceof MailStoreException.FolderMissing || e instanceof MailStoreException.ConnectionLost
                    || e instanceof MailStoreException.UidValidityChanged) {
                reconciled = false; // a folder rebuilt under a compaction: reconcile with it as it is now
            }
            LOG.debug("upload of {} failed ({}); retrying in {}", pid, e.toString(), delay);
            rt.schedule(delay, () -> {
                running.set(false);
                kick();
            });
        }
    }

    /**
     * Ends a run that may not create our folder yet ({@link FolderDoubt}): the work stays pending, waiters that a failure
     * ends are answered, and {@link #resume} (or {@link #retire}) starts the next run.
     */
    private void holdOff() {
        held = true;
        dirty = true;
        release(true);
        running.set(false);
        // the word, a retirement or a shutdown may have come before held was set, unseen by resume() and retire()
        if (retired || rt.closed() || !rt.recreationWaits(folder.name())) kick();
    }

    /**
     * After a restart or reconnect: adopt entries of ours the server holds past the cursor (a crash after APPEND). False,
     * and nothing done, when our folder is gone where we had uploaded and may not be created again yet ({@link FolderDoubt}).
     */
    private boolean reconcile() {
        ReplicationCursor c = Cursors.get(rt.log(), Cursors.upload(pid)).orElse(new ReplicationCursor(Cursors.upload(pid), 0, 0, 0));
        ServerFolder.Listing l = folder.list(c.uidValidity() == 0 ? 0 : c.uidValidity(), c.lastUid());
        if (retired && (l.uidValidity() == 0 || c.uidValidity() != 0 && l.uidValidity() != c.uidValidity())) {
            halt(); // gone, or not the folder we uploaded into: neither is ours to rebuild
            return true;
        }
        if (l.uidValidity() == 0) {
            if (c.uidValidity() != 0 && !rt.mayRecreate(folder.name())) return false;
            folder.create();
            l = folder.list(0, 0);
        }
        if (c.uidValidity() != 0 && l.uidValidity() != c.uidValidity()) {
            repair(c, l, true); // a listing in another UIDVALIDITY lists the whole folder
            return true;
        }
        long seq = c.lastSequenceNr();
        long uid = c.lastUid();
        String dev = rt.sealer().keyring().deviceId();
        for (ServerFolder.Entry e : l.journal()) {
            if (e.from() <= seq + 1 && e.to() > seq && e.device().equals(dev) && sealedByUs(e.uid())) {
                seq = e.to();
                uid = Math.max(uid, e.uid());
            }
        }
        long highest = rt.log().highestSequenceNr(pid);
        seq = Math.min(seq, Math.max(highest, c.lastSequenceNr()));
        if (seq != c.lastSequenceNr() || l.uidValidity() != c.uidValidity()) {
            rt.log().saveCursor(new ReplicationCursor(Cursors.upload(pid), l.uidValidity(), uid, seq));
        }
        return true;
    }

    /** Whether a run may create our folder, found gone by an APPEND: never once retired; else unless its re-creation is in doubt. */
    private boolean mayCreate() {
        return !retired && rt.mayRecreate(folder.name());
    }

    /** True when this uploader halted ({@link #retire}): what {@link #idle} says now stays so. */
    boolean halted() {
        return halted;
    }

    /** Whether a run goes on to its next step. */
    private boolean going() {
        return !rt.closed() && !halted;
    }

    /** A retired device's folder is gone or replaced ({@link #retire}): nothing more is uploaded. */
    private void halt() {
        if (halted) return;
        halted = true;
        LOG.info("{}: this device was retired and {} is gone or replaced (its siblings' clean-up): uploading nothing more; "
                + "{} of its events stay local", pid, folder.name(), Math.max(0, Cursors.ownHighest(rt.log(), pid) - Cursors.seq(rt.log(), Cursors.upload(pid))));
    }

    /**
     * True when message {@code uid} of our folder opens with our key and carries our signature: what
     * the uploader adopts as its own after an uncertain APPEND or a crash (anyone can plant a message
     * with our next deterministic Message-ID or an entry header in our name; such a one stays for
     * readers to refuse, and we upload ours).
     */
    private boolean sealedByUs(long uid) {
        for (var m : folder.fetchFull(List.of(uid), 1)) {
            if (opensAsOurs(m, rt.sealer().keyring().deviceId())) return true;
            rt.stats().untrusted.increment();
            LOG.warn("{}: uid {} in {} looks like ours but is not sealed by us; uploading our own", pid, uid, folder.name());
            return false;
        }
        return false;
    }

    /**
     * Uploads the next message's worth of events; false when there is nothing left. An entry covers
     * {@code from..to} from the cursor on, up to its last event, and holds the events of that range
     * that are not local-only (protocol v2): the local-only events before its first event are covered
     * without being held, so the entries on the server cover every sequence number without a gap.
     * Nothing is uploaded while no event above the cursor needs it.
     */
    private boolean uploadOne() {
        var log = rt.log();
        ReplicationCursor c = Cursors.get(log, Cursors.upload(pid)).orElse(new ReplicationCursor(Cursors.upload(pid), 0, 0, 0));
        long highest = log.highestSequenceNr(pid);
        long own = Cursors.ownHighest(log, pid);
        if (c.lastSequenceNr() >= highest || c.lastSequenceNr() >= own) return false;
        var limits = rt.settings().upload();
        List<StoredEvent> events = new ArrayList<>();
        int cut = 0;          // events of the complete AtomicWrites so far
        long bytes = 0;
        boolean full = false;
        long next = c.lastSequenceNr() + 1;
        long last = Math.min(own, highest); // nothing above it needs an upload
        scan:
        while (next <= last) {
            List<LogEntry> page = log.read(pid, next, last, limits.maxEventsPerMessage());
            if (page.isEmpty()) break;
            for (LogEntry e : page) {
                StoredEvent se = EntryCodec.decode(e.payload(), StoredEvent.class);
                if (!se.local()) {
                    if (!events.isEmpty() && (events.size() >= limits.maxEventsPerMessage()
                            || bytes + e.payload().length > limits.maxBytesPerMessage())) {
                        full = true;
                        break scan;
                    }
                    events.add(se);
                    bytes += e.payload().length;
                }
                if (se.batchEnd()) cut = events.size();
            }
            next = page.get(page.size() - 1).sequenceNr() + 1;
        }
        if (events.isEmpty()) {
            // The events to upload above the cursor were deleted locally before upload: nothing to send.
            log.saveCursor(new ReplicationCursor(c.source(), c.uidValidity(), c.lastUid(), highest));
            return false;
        }
        if (full && cut > 0) events = events.subList(0, cut); // whole AtomicWrites per entry where they fit
        // The entry ends at its last event: local-only events after it go into the next entry's range (or a
        // snapshot's). So an entry never reaches past a keyring change it was not sealed for - the snapshot a
        // newly paired device heals from compacts everything up to it, and events after it are sealed later.
        long to = events.get(events.size() - 1).seq();
        long from = c.lastSequenceNr() + 1;
        long deleted = Cursors.seq(log, Cursors.deleted(pid));
        byte[] body = EntryCodec.encode(new JournalBody(EntryCodec.JOURNAL_VERSION, pid, rt.sealer().keyring().deviceId(), from, to,
                List.copyOf(events)));
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, rt.sealer().keyring().deviceId(),
                Map.of("from", Long.toString(from), "to", Long.toString(to)));
        NewMessage m = SmaMail.build(h, rt.sealer().seal(body), rt.clock());
        ServerFolder.Stored s = appended(folder.appendOnce(m, h.messageId(), limits.maxRetriesPerAttempt(), this::mayCreate, this::sealedByUs));
        boolean restored = c.uidValidity() != 0 && s.uidValidity() != c.uidValidity();
        log.saveCursor(new ReplicationCursor(c.source(), s.uidValidity(), restored ? s.uid() : Math.max(s.uid(), c.lastUid()), to));
        rt.stats().uploadedMessages.increment();
        rt.stats().uploadedEvents.add(events.size());
        if (deleted > 0) log.deleteUpTo(pid, Math.min(deleted, to));
        rt.uploaded(pid, to);
        if (restored && retired) halt(); // not the folder we uploaded into: not ours to rebuild
        else if (restored) repair(c, folder.list(0, 0), true);
        return true;
    }

    /**
     * Our folder as listed in full ({@code full}) lacks some of what we uploaded: carries out the
     * {@link RestoreRepair} - deletes our entries past what it keeps, moves the cursors back - so this
     * run uploads it again. {@code restored}: the folder came back under a new UIDVALIDITY (restored
     * from a backup, renumbered, maybe without its newest messages), and the cursors take the new one
     * whatever was lost; else an {@link #audit} found our messages gone or altered in the same
     * UIDVALIDITY (deleted on the server behind our back), and nothing happens unless something is
     * missing. Without it, siblings that had not read the lost entries would wait for our next
     * snapshot, which may never come (a device that stops writing takes no more). What it deletes is
     * ours and goes up again in the same run.
     */
    private void repair(ReplicationCursor c, ServerFolder.Listing full, boolean restored) {
        var log = rt.log();
        ReplicationCursor now = Cursors.get(log, Cursors.upload(pid)).orElse(c);
        long snapUploaded = Cursors.seq(log, Cursors.snapshot(pid));
        long markUploaded = Cursors.seq(log, Cursors.serverDeleted(pid));
        long localSnapshot = log.latestSnapshot(pid, Long.MAX_VALUE).map(x -> x.sequenceNr()).orElse(0L);
        // an audit misses only the snapshot we still have: one deleted here (Pekko's retention) went from the server too
        RestoreRepair r = RestoreRepair.of(full, rt.sealer().keyring().deviceId(), now.lastSequenceNr(),
                restored ? snapUploaded : Math.min(snapUploaded, localSnapshot), markUploaded, localSnapshot);
        if (!restored && !r.lost()) return;
        folder.delete(r.detached(), full.uidValidity());
        if (r.lost() && restored) {
            LOG.warn("{}: {} was restored without some of our messages (it covers our events up to {} of {} uploaded, snapshot {} of {}); "
                    + "uploading them again", pid, folder.name(), r.covered(), now.lastSequenceNr(), r.serverSnapshot(), snapUploaded);
            rt.stats().foldersRepaired.increment();
        } else if (r.lost()) {
            LOG.warn("{}: {} lacks some of our messages - deleted or altered on the server (it covers our events up to {} of {} uploaded, "
                    + "snapshot {} of {}); uploading them again", pid, folder.name(), r.covered(), now.lastSequenceNr(), r.serverSnapshot(), snapUploaded);
            rt.stats().auditRepairs.increment();
        }
        log.saveCursor(new ReplicationCursor(now.source(), full.uidValidity(), r.lastUid(), r.uploadFrom()));
        if (r.serverSnapshot() < snapUploaded) Cursors.saveSeq(log, Cursors.snapshot(pid), r.serverSnapshot());
        if (r.serverMark() < markUploaded) Cursors.saveSeq(log, Cursors.serverDeleted(pid), r.serverMark());
        dirty = true;
    }

    /** {@link #audit}; a failure (the server busy, a header it refuses) is left for the next audit, and holds up no upload. */
    private void auditQuietly() {
        try {
            audit(Cursors.get(rt.log(), Cursors.upload(pid)).orElse(null));
        } catch (MailStoreException | JournalException e) {
            rt.stats().auditFailures.increment();
            LOG.debug("{}: audit of {} failed ({}); the next one tries again", pid, folder.name(), e.toString());
        }
    }

    /**
     * Checks that our folder still holds what we uploaded, cursor {@code c}: a provider - or anyone
     * with the account's password - may delete or alter our entries, snapshot or deletion mark, and
     * siblings that had not read them would then wait for our next snapshot, which may be weeks away or
     * never come. Lists the folder's headers; opens once what is in our name, new since the last audit
     * and not where one of our APPENDs landed (an altered copy re-uploaded under a new UID does not
     * open, and counts as missing); and
     * where what is left no longer covers what we uploaded, uploads it again ({@link #repair}). A
     * reader that passed the missing range as a gap fills it from the new entry (docs/PROTOCOL.md,
     * "The author's audit"). A folder that is gone is left to the next upload (or was deleted by the
     * siblings that retired this device); one under a new UIDVALIDITY is repaired as after a restore,
     * or, once this device is retired, halts the uploader as an upload that finds it replaced does.
     */
    private void audit(ReplicationCursor c) {
        if (c == null || c.uidValidity() == 0) return; // nothing uploaded yet
        ServerFolder.Listing full = folder.list(0, 0); // strict: a header refused must not look like a lost message
        if (full.uidValidity() == 0) return;
        if (full.uidValidity() != c.uidValidity()) {
            if (retired) halt(); // not the folder we uploaded into: not ours to rebuild
            else repair(c, full, true);
            return;
        }
        if (full.uidValidity() != auditedValidity || notOurs.size() >= MAX_UIDS) {
            auditedValidity = full.uidValidity();
            auditedUid = 0; // everything opened again (but what our APPENDs put there): nothing forgotten is taken for ours
            notOurs.clear();
        }
        String dev = rt.sealer().keyring().deviceId();
        // opened: what is in our name, new since the last audit, and not where one of our own APPENDs landed
        java.util.function.LongPredicate unknown = uid -> uid > auditedUid && !(appendedValidity == full.uidValidity() && appended.contains(uid));
        List<Long> fresh = new ArrayList<>();
        for (ServerFolder.Entry e : full.journal()) if (e.device().equals(dev) && unknown.test(e.uid())) fresh.add(e.uid());
        for (ServerFolder.Snap s : full.snapshots()) if (s.device().equals(dev) && unknown.test(s.uid())) fresh.add(s.uid());
        for (ServerFolder.Mark k : full.marks()) if (k.device().equals(dev) && unknown.test(k.uid())) fresh.add(k.uid());
        if (!fresh.isEmpty()) {
            java.util.Set<Long> opened = new java.util.HashSet<>();
            for (var m : folder.fetchFull(fresh, rt.settings().maxFetch())) {
                if (opensAsOurs(m, dev)) opened.add(m.uid());
            }
            for (long uid : fresh) {
                if (opened.contains(uid)) continue;
                notOurs.add(uid); // did not open, or expunged since the listing: in the cover neither way
            }
        }
        ServerFolder.Listing ours = new ServerFolder.Listing(full.uidValidity(), full.first(), full.maxUid(), full.uidNext(), full.uids(),
                full.journal().stream().filter(e -> !notOurs.contains(e.uid())).toList(),
                full.snapshots().stream().filter(s -> !notOurs.contains(s.uid())).toList(), full.nudges(),
                full.marks().stream().filter(k -> !notOurs.contains(k.uid())).toList(), full.pairingDrops());
        repair(c, ours, false);
        auditedUid = Math.max(auditedUid, full.maxUid());
    }

    /** Remembers where our own APPEND landed (see {@link #appended}); returns {@code s}. */
    private ServerFolder.Stored appended(ServerFolder.Stored s) {
        if (s == null) return null;
        if (s.uidValidity() != appendedValidity || appended.size() >= MAX_UIDS) {
            appended.clear();
            appendedValidity = s.uidValidity();
        }
        appended.add(s.uid());
        return s;
    }

    /** Whether {@code m}, a message of our folder in our name, opens with our key and carries our signature. */
    private boolean opensAsOurs(dev.kinbox.journal.mail.StoredMessage m, String dev) {
        try {
            SmaMail.Parsed p = SmaMail.parse(m, EntryCodec.MAX_BODY);
            if (!p.header().device().equals(dev)) return false;
            rt.sealer().open(p.body(), dev);
            return true;
        } catch (JournalException e) {
            return false;
        }
    }

    /** Uploads the newest local snapshot if the server lacks it, then compacts. */
    private void uploadSnapshot() {
        var log = rt.log();
        var snap = log.latestSnapshot(pid, Long.MAX_VALUE);
        if (snap.isEmpty()) return;
        long seq = snap.get().sequenceNr();
        if (Cursors.seq(log, Cursors.snapshot(pid)) >= seq) return;
        long uploaded = Cursors.seq(log, Cursors.upload(pid));
        if (uploaded < Math.min(seq, Cursors.ownHighest(log, pid))) return; // events to upload first
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.SNAPSHOT, rt.sealer().keyring().deviceId(), Map.of("seq", Long.toString(seq)));
        NewMessage m = SmaMail.build(h, rt.sealer().seal(snap.get().payload()), rt.clock());
        appended(folder.appendIfAbsent(m, h.messageId(), rt.settings().upload().maxRetriesPerAttempt(), this::mayCreate, this::sealedByUs));
        if (rt.settings().compact()) rt.stats().compactedMessages.add(folder.compact(seq, rt.sealer().keyring().deviceId()));
        Cursors.saveSeq(log, Cursors.snapshot(pid), seq); // after compaction: a failed run redoes both
        if (uploaded < seq) {
            // the snapshot covers the local-only events up to it: the next entry starts after it, as a reader's
            // position does after the snapshot (so a device that only replicates does not rescan them forever)
            ReplicationCursor c = Cursors.get(log, Cursors.upload(pid)).orElse(new ReplicationCursor(Cursors.upload(pid), 0, 0, 0));
            log.saveCursor(new ReplicationCursor(c.source(), c.uidValidity(), c.lastUid(), Math.max(c.lastSequenceNr(), seq)));
            rt.uploaded(pid, seq);
        }
    }

    /**
     * Carries a Pekko deletion ({@code deleteMessagesTo}) to the server, after the events it covers
     * were uploaded: the deletion mark first, then our entries it makes useless (see
     * {@link #markDeleted}).
     */
    private void uploadDeletion() {
        var log = rt.log();
        long n = Cursors.seq(log, Cursors.deleted(pid));
        if (n <= Cursors.seq(log, Cursors.serverDeleted(pid))) return;
        if (Cursors.seq(log, Cursors.upload(pid)) < Math.min(n, log.highestSequenceNr(pid))) return; // events first
        markDeleted(n);
    }

    /**
     * APPENDs the sealed deletion mark {@code deleted=n} (looked up by its deterministic Message-ID
     * first, so a retried run stores it once), then deletes our journal entries with {@code to <= n}
     * and our older marks, then moves the cursor. Mark before deletion: a crash in between leaves
     * entries a restore skips, never deleted events without a mark.
     */
    private void markDeleted(long n) {
        var log = rt.log();
        String dev = rt.sealer().keyring().deviceId();
        byte[] body = EntryCodec.encode(new EntryCodec.DeletionBody(EntryCodec.VERSION, pid, dev, n));
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, dev, Map.of(ServerFolder.DELETED, Long.toString(n)));
        appended(folder.appendIfAbsent(SmaMail.build(h, rt.sealer().seal(body), rt.clock()), h.messageId(),
                rt.settings().upload().maxRetriesPerAttempt(), this::mayCreate, this::sealedByUs));
        rt.stats().compactedMessages.add(folder.dropDeleted(n, dev));
        Cursors.saveSeq(log, Cursors.serverDeleted(pid), n);
        release(false);
    }

    /**
     * Carries Pekko snapshot deletions to the server: deletes our snapshot messages that have no local
     * snapshot with the same sequence number any more. When compaction had removed the entries such a
     * snapshot covered, the deletion mark is raised to its number first, so a restore still reports a
     * highest sequence number of at least that much.
     */
    private void dropDeletedSnapshots() {
        var log = rt.log();
        long want = Cursors.seq(log, Cursors.snapshotDeletion(pid));
        if (want <= Cursors.seq(log, Cursors.snapshotDeletionDone(pid))) return;
        String dev = rt.sealer().keyring().deviceId();
        List<Long> doomed = new ArrayList<>();
        long top = 0;
        ServerFolder.Listing listing = folder.list(-1, 0);
        for (ServerFolder.Snap s : listing.snapshots()) {
            if (!s.device().equals(dev)) continue;
            boolean kept = log.latestSnapshot(pid, s.seq()).map(x -> x.sequenceNr() == s.seq()).orElse(false);
            if (!kept) {
                doomed.add(s.uid());
                top = Math.max(top, s.seq());
            }
        }
        if (rt.settings().compact() && top > Cursors.seq(log, Cursors.serverDeleted(pid))) markDeleted(top);
        folder.delete(doomed, listing.uidValidity());
        rt.stats().compactedMessages.add(doomed.size());
        Cursors.saveSeq(log, Cursors.snapshotDeletionDone(pid), want);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
