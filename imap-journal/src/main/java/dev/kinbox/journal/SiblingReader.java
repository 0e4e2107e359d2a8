package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.EntryCodec.SnapshotBody;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.query.KinboxEventMetadata;
import dev.kinbox.journal.query.SiblingSnapshot;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query's position in a persistence id's folder and one step of reading it: list headers past
 * the cursor's UID, take the entries that continue the sequence (a snapshot where entries were
 * compacted away or the UIDVALIDITY changed), fetch, verify and decrypt them, and return the
 * envelopes. Entries that do not verify are skipped and counted, never emitted; a sequence gap
 * (withheld or forged-away entries) is counted and logged, and healed by the author's next snapshot -
 * or, where the server refused to serve the messages for a while, by them once it serves them again.
 * Not thread-safe: one step at a time per query.
 */
final class SiblingReader {
    private static final Logger LOG = LoggerFactory.getLogger(SiblingReader.class);

    private final String pid;
    /** {@code pid} and the reading device, for the log (a simulation runs many readers of one folder in a JVM). */
    private final String who;
    private final long toSeq;
    private final ServerFolder folder;
    private final Optional<String> folderDevice;
    private final Sealer sealer;
    private final PayloadSerde serde;
    private final LocalLog log;
    private final JournalStats stats;
    private final int maxFetch;
    private long nextSeq;
    private long uidValidity;
    private long lastUid;
    /**
     * What this reader passed over as gaps and has not read since. An entry covering part of one that
     * shows up later fills it: its events there are emitted then, below {@code nextSeq} (the MUAA's
     * causal context takes dots in any order).
     */
    private Gaps missing = Gaps.NONE;
    /**
     * {@code nextSeq} when the folder last got a new UIDVALIDITY (0: never, in this reader): its
     * author uploads again what a restore lost, so an entry ending below it is no replay.
     */
    private long restoredBelow;
    /** The highest UID listed in this UIDVALIDITY, and whether a listing was made in it: what is above it is new. */
    private long listedUpTo;
    private boolean listedOnce;
    /** UID of the last entry whose events were emitted: an entry for later events can only be above it. */
    private long lastEntryUid;
    private final LateUids late = new LateUids();
    /** How long a UID the server refuses to serve fails the steps before it is passed over ({@link #refused}). */
    private final java.time.Duration refusedPassOver;
    /**
     * UID to when (System.nanoTime) the server first refused it, until it is served (at most 1,024: a
     * step that fails restores the reader's position, UIDVALIDITY included, so this outlives it).
     */
    private final java.util.Map<Long, Long> refusedSince = new java.util.HashMap<>();
    /** The UIDs of {@link #refusedSince} counted in {@link JournalStats#passedOver}. */
    private final java.util.Set<Long> passedOverUids = new java.util.HashSet<>();
    /** UIDs passed over in the current stepOnce (into {@link #retry} once it ends in the UIDVALIDITY it read). */
    private final List<Long> passedNow = new ArrayList<>();
    /**
     * UIDs of this UIDVALIDITY passed over while the server refused them and not read since: tried again
     * every {@code refusedPassOver} while a gap is open ({@link #retryPassedOver}). At most {@value #MAX_RETRY}.
     */
    private final java.util.TreeSet<Long> retry = new java.util.TreeSet<>();
    private static final int MAX_RETRY = 64;
    /** Passed-over messages are tried again at most once a second, even when {@code refusedPassOver} is shorter. */
    private static final long RETRY_FLOOR_NANOS = 1_000_000_000L;
    private long lastRetryNanos;
    private final java.util.Set<Long> bad = new java.util.HashSet<>();
    /** Snapshot UIDs that did not open (planted in the author's name): never chosen again, so the next best one heals. */
    private final java.util.Set<Long> badSnapshots = new java.util.HashSet<>();

    SiblingReader(String pid, String readerId, long fromSeq, long toSeq, ServerFolder folder, Sealer sealer, PayloadSerde serde, LocalLog log,
                  JournalStats stats, int maxFetch, java.time.Duration refusedPassOver) {
        this.pid = pid;
        this.who = pid + " read by " + readerId;
        this.toSeq = toSeq;
        this.folder = folder;
        this.folderDevice = SmaFolders.deviceOf(pid);
        this.sealer = sealer;
        this.serde = serde;
        this.log = log;
        this.stats = stats;
        this.maxFetch = maxFetch;
        this.refusedPassOver = refusedPassOver;
        this.nextSeq = Math.max(1, fromSeq);
        Optional<ReplicationCursor> saved = log.cursor(Cursors.query(pid));
        if (saved.isPresent() && saved.get().lastSequenceNr() < nextSeq) {
            // every entry at or below the saved UID ends at or below the saved sequence number
            uidValidity = saved.get().uidValidity();
            lastUid = saved.get().lastUid();
        }
    }

    /** True once every event up to {@code toSeq} was emitted. */
    boolean finished() {
        return nextSeq > toSeq;
    }

    /**
     * How often one step reads a folder again whose listing went stale while it read it (rebuilt, or
     * listed messages expunged), before it gives up until the next step (rebuilt) or reads on without
     * what the server no longer serves (expunged).
     */
    static final int LISTING_TRIES = 3;

    /**
     * The folder was rebuilt (a new UIDVALIDITY, its messages renumbered) between the step's listing
     * and a fetch: the listed UIDs now name other messages. Thrown before anything of such a message is used.
     */
    private static final class Renumbered extends RuntimeException {
        Renumbered() { super(null, null, false, false); }
    }

    /**
     * A message the step listed was gone by its fetch: most often the author compacted the entry away
     * after uploading a snapshot that covers it. Reading on would take the entry's events for a gap
     * and move the position past them, and past the snapshot that covers them if it was listed too -
     * the gap would then wait for the author's next snapshot. The step is read again instead, and the
     * new listing shows the snapshot in the entry's place.
     */
    private static final class Expunged extends RuntimeException {
        Expunged() { super(null, null, false, false); }
    }

    /** Reads what the folder has past the cursor; empty when nothing new. */
    List<EventEnvelope> step() {
        // all or nothing: a store failure part-way (say the second FETCH of a step) must not leave the
        // position past events that were fetched but never emitted - they would be lost for good; nor
        // may a message fetched under a UID the folder gave to another message since the listing be
        // read as the one listed (it would look like a gap, or a replay, and move the position past
        // events not read) - the step is read again from the same position, in the new UIDVALIDITY.
        // `bad` is kept: a message that did not open will not open on the retry either (and is counted once)
        for (int attempt = 1; ; attempt++) {
            long seq0 = nextSeq, uid0 = lastUid, validity0 = uidValidity;
            Gaps missing0 = missing;
            try {
                return stepOnce(attempt == LISTING_TRIES);
            } catch (dev.kinbox.journal.mail.MailStoreException e) {
                restore(seq0, uid0, validity0, missing0);
                throw e;
            } catch (Renumbered e) {
                restore(seq0, uid0, validity0, missing0);
                LOG.info("{}: {} was rebuilt (a new UIDVALIDITY) while being read; reading it again", who, folder.name());
                if (attempt == LISTING_TRIES) return List.of();
            } catch (Expunged e) {
                restore(seq0, uid0, validity0, missing0);
                LOG.debug("{}: messages listed in {} were expunged before the fetch (compacted); reading it again", who, folder.name());
            }
        }
    }

    /**
     * The server refused to serve {@code uid} just now. Until it has refused it for
     * {@code refusedPassOver} (kinbox.query.refused-pass-over) this fails the step as any refused
     * command does (the step is tried again from the same position: a server busy, locked or restarting
     * serves it then); from then on the message is passed over, as one listed but never served - a gap
     * the author's next snapshot heals, or the message itself once served ({@link #retryPassedOver}) - so a
     * message refused for good stops the reader only that long.
     */
    private void refused(long uid) {
        refused(uid, true);
    }

    /** As {@link #refused(long)}; {@code retryLater}: a message passed over is kept for {@link #retryPassedOver}. */
    private void refused(long uid, boolean retryLater) {
        long now = System.nanoTime();
        if (refusedSince.size() >= 1024 && !refusedSince.containsKey(uid)) {
            refusedSince.clear();
            passedOverUids.clear();
        }
        long held = now - refusedSince.computeIfAbsent(uid, u -> now);
        if (held < refusedPassOver.toNanos()) {
            throw new dev.kinbox.journal.mail.MailStoreException.CommandRefused(folder.name() + ": the server refuses to serve uid " + uid
                    + " (for " + held / 1_000_000 + " ms); it is passed over as a gap once refused for " + refusedPassOver, null);
        }
        if (passedOverUids.add(uid)) stats.passedOver.increment(); // a step that fails later may meet it again
        if (retryLater) passedNow.add(uid);
    }

    private void restore(long seq, long uid, long validity, Gaps gaps) {
        nextSeq = seq;
        lastUid = uid;
        uidValidity = validity;
        missing = gaps;
    }

    /** One read of the step; {@code lastTry}: listed messages the fetch no longer finds are read on without (a gap if needed). */
    private List<EventEnvelope> stepOnce(boolean lastTry) {
        passedNow.clear();
        ServerFolder.Listing l = folder.listServed(uidValidity, lastUid, this::refused);
        if (l.uidValidity() == 0) return List.of();
        if (l.uidValidity() != uidValidity) {
            if (uidValidity != 0) {
                LOG.info("{}: UIDVALIDITY of {} changed; rereading it (from its snapshot where compacted)", who, folder.name());
                restoredBelow = nextSeq;
            }
            lastUid = 0;
            lastEntryUid = 0;
            late.reset();
            bad.clear();
            badSnapshots.clear();
            listedUpTo = 0;
            listedOnce = false;
            retry.clear(); // its UIDs name other messages now; the reader reads the folder afresh
        }
        uidValidity = l.uidValidity();
        if (gapAhead(l)) {
            // before calling it a gap: list again from the last entry read - a server that showed a later
            // message first (LateUids) shows the missing entry a moment later, maybe below the UID cursor
            ServerFolder.Listing again = folder.listServed(uidValidity, Math.min(lastEntryUid, lastUid), this::refused);
            if (again.uidValidity() == uidValidity) l = again;
        }
        long lateFrom = late.lowestNewHole(l.first(), l.uids(), l.end());
        countForeignAndReplayed(l);
        List<EventEnvelope> out = new ArrayList<>();
        List<ServerFolder.Entry> entries = l.journal().stream()
                .filter(e -> (e.to() >= nextSeq || missing.overlaps(e.from(), e.to())) && trustedAuthor(e.device()))
                .sorted(Comparator.comparingLong(ServerFolder.Entry::from)).toList();
        // the best snapshot that opens: one planted in the author's name (any number) is passed over in the same step
        List<ServerFolder.Snap> snaps = l.snapshots().stream().filter(s -> trustedAuthor(s.device()) && !badSnapshots.contains(s.uid()))
                .sorted(Comparator.comparingLong(ServerFolder.Snap::seq).thenComparingLong(ServerFolder.Snap::uid).reversed()).toList();
        long firstFrom = entries.stream().filter(e -> e.to() >= nextSeq).mapToLong(ServerFolder.Entry::from).min().orElse(Long.MAX_VALUE);
        for (ServerFolder.Snap snap : snaps) {
            long healUpTo = missing.healUpTo();
            if (!((firstFrom > nextSeq && snap.seq() >= nextSeq) || (healUpTo > 0 && snap.seq() >= healUpTo))) break;
            if (emitSnapshot(snap, out, lastTry)) break;
        }
        long loopStart = nextSeq; // events below were covered before this loop (earlier steps, or the snapshot just emitted)
        for (int i = 0; i < entries.size() && !finished(); i += maxFetch) {
            List<ServerFolder.Entry> chunk = entries.subList(i, Math.min(entries.size(), i + maxFetch));
            List<Long> uids = chunk.stream().map(ServerFolder.Entry::uid).filter(u -> !bad.contains(u)).toList();
            // a listed entry passed over keeps the position below it while its events are missing (see below), so
            // every step fetches it again: it needs no retry of its own
            List<StoredMessage> msgs = new ArrayList<>(folder.fetchServed(uids, maxFetch, u -> refused(u, false)));
            for (StoredMessage m : msgs) refusedSince.remove(m.uid());
            java.util.Map<Long, ServerFolder.Entry> listed = new java.util.HashMap<>();
            for (ServerFolder.Entry c : chunk) listed.put(c.uid(), c);
            for (StoredMessage m : msgs) if (!ServerFolder.stillListed(m, listed.get(m.uid()))) throw new Renumbered();
            if (msgs.size() < uids.size() && !lastTry) throw new Expunged();
            msgs.sort(Comparator.comparingLong(m -> listed.get(m.uid()).from()));
            for (StoredMessage m : msgs) {
                if (finished()) break;
                Optional<Opened> opened = open(m);
                if (opened.isEmpty()) {
                    bad.add(m.uid());
                    continue;
                }
                JournalBody b = opened.get().body();
                if (fillMissing(b, opened.get().notSealedTo(), out) && b.to() < nextSeq) continue; // a gap filled late, no replay
                if (b.to() < nextSeq) {
                    // a second copy of events another entry of this same step just delivered: the original and a
                    // replay both arrived unread (counted at listing only when the original was read earlier)
                    if (b.to() >= loopStart && b.to() >= restoredBelow) {
                        stats.replayed.increment();
                        LOG.warn("{}: skipping uid {} in {}: events {}..{} were read already (replayed)", who, m.uid(), folder.name(),
                                b.from(), b.to());
                    }
                    continue;
                }
                if (b.from() > nextSeq) gap(nextSeq, b.from() - 1);
                StoredEvent last = null;
                for (StoredEvent e : b.events()) {
                    if (e.seq() < nextSeq || e.seq() > toSeq) continue;
                    if (last != null) out.add(envelope(b.device(), last, java.util.Set.of()));
                    last = e;
                    nextSeq = e.seq() + 1;
                }
                // whoever the entry was not sealed to hears of its events through this reader (the MUAA relays them)
                if (last != null) out.add(envelope(b.device(), last, opened.get().notSealedTo()));
                // an entry covers from..to even where it holds no event (the author's local-only events, v2)
                nextSeq = Math.max(nextSeq, Math.min(b.to(), toSeq) + 1);
                lastEntryUid = Math.max(lastEntryUid, m.uid());
            }
        }
        // the cursor's UID is about to pass this listing's snapshots, and a later listing shows only the author's next
        // one: a gap found above (entries the server no longer serves) heals from one of them now; so does the position
        // the entries left the reader at, when a snapshot lies past it - an entry there that did not open (altered, or
        // forged in the author's name) seemed to continue, so no gap was known yet, and a gap found later would find no
        // snapshot above the cursor (found 2026-12-06: a reader stayed apart until the author's next snapshot though one
        // was on the server)
        long healFrom = missing.healUpTo() > 0 ? missing.healUpTo() : finished() ? Long.MAX_VALUE : nextSeq;
        for (ServerFolder.Snap snap : snaps) {
            if (snap.seq() < healFrom) break;
            if (!badSnapshots.contains(snap.uid()) && emitSnapshot(snap, out, true)) break;
        }
        // the cursor's UID passes every message up to the first journal entry not yet consumed
        long done = Math.min(l.end(), lateFrom - 1); // a new hole may be a message shown late: list it again
        for (ServerFolder.Entry e : l.journal()) {
            boolean consumed = (e.to() < nextSeq && !missing.overlaps(e.from(), e.to())) || bad.contains(e.uid()) || !trustedAuthor(e.device());
            if (!consumed) done = Math.min(done, e.uid() - 1);
        }
        lastUid = Math.max(lastUid, done);
        bad.removeIf(u -> u <= lastUid);
        remember(passedNow);
        retryPassedOver(out);
        log.saveCursor(new ReplicationCursor(Cursors.query(pid), uidValidity, lastUid, nextSeq - 1));
        return out;
    }

    /** Keeps {@code uids}, passed over in this step, to be tried again (the first one interval from now). */
    private void remember(List<Long> uids) {
        if (uids.isEmpty()) return;
        if (retry.isEmpty()) lastRetryNanos = System.nanoTime();
        retry.addAll(uids);
        while (retry.size() > MAX_RETRY) retry.pollFirst(); // the oldest; a snapshot of the author still heals it
    }

    /**
     * Tries the messages passed over while the server refused them once more, every {@code refusedPassOver}
     * (at least a second) while a gap they may fill is open: an entry the server serves now fills its part of the gap (its
     * events are emitted below {@code nextSeq}, as an entry uploaded again after a restore is), a snapshot
     * heals every gap up to its {@code seq}. Until later on 2026-12-05 only the author's next snapshot healed
     * such a gap, and an author gone for good never writes one. A UID the server no longer lists is dropped
     * (expunged: compacted, so the author's snapshot covers it); one still refused is kept. Best effort and
     * all or nothing: a store failure, or a folder rebuilt meanwhile, leaves the reader as it was. Tried:
     * what the main read's listings passed - a message whose header the server refused (a hole in the
     * listing, passed as {@link LateUids} says) and a snapshot it refused; a listed entry it refused is
     * fetched again at every step anyway.
     */
    private void retryPassedOver(List<EventEnvelope> out) {
        if (retry.isEmpty()) return;
        if (missing.size() == 0) {
            retry.clear(); // healed meanwhile (a snapshot)
            return;
        }
        long now = System.nanoTime();
        if (now - lastRetryNanos < Math.max(refusedPassOver.toNanos(), RETRY_FLOOR_NANOS)) return;
        lastRetryNanos = now;
        int emitted = out.size();
        Gaps missing0 = missing;
        long seq0 = nextSeq;
        java.util.Set<Long> stillRefused = new java.util.HashSet<>();
        java.util.Set<Long> done = new java.util.HashSet<>();
        try {
            ServerFolder.Listing l = folder.listServed(uidValidity, retry.first() - 1, stillRefused::add);
            if (l.uidValidity() != uidValidity) return; // rebuilt: the next step reads it afresh
            java.util.Set<Long> listed = new java.util.HashSet<>(l.uids());
            for (long uid : retry) if (!listed.contains(uid) && !stillRefused.contains(uid)) done.add(uid); // expunged
            for (ServerFolder.Snap s : l.snapshots()) {
                if (!retry.contains(s.uid())) continue;
                if (!trustedAuthor(s.device()) || badSnapshots.contains(s.uid()) || !missing.overlaps(1, s.seq())) {
                    done.add(s.uid()); // it would heal nothing
                    continue;
                }
                if (emitSnapshot(s, out, true)) done.add(s.uid());
                else if (badSnapshots.contains(s.uid())) done.add(s.uid());
                else stillRefused.add(s.uid());
            }
            java.util.Map<Long, ServerFolder.Entry> wanted = new java.util.HashMap<>();
            for (ServerFolder.Entry e : l.journal()) {
                if (!retry.contains(e.uid())) continue;
                if (trustedAuthor(e.device()) && missing.overlaps(e.from(), e.to())) wanted.put(e.uid(), e);
                else done.add(e.uid()); // nothing of it is missing any more
            }
            List<StoredMessage> msgs = new ArrayList<>(folder.fetchServed(new ArrayList<>(wanted.keySet()), maxFetch, stillRefused::add));
            msgs.sort(Comparator.comparingLong(m -> wanted.get(m.uid()).from()));
            for (StoredMessage m : msgs) {
                if (!ServerFolder.stillListed(m, wanted.get(m.uid()))) throw new Renumbered();
                done.add(m.uid());
                Optional<Opened> opened = open(m);
                if (opened.isPresent()) fillMissing(opened.get().body(), opened.get().notSealedTo(), out);
            }
            for (long uid : wanted.keySet()) if (!stillRefused.contains(uid)) done.add(uid); // came back blank: expunged since the listing
        } catch (dev.kinbox.journal.mail.MailStoreException | Renumbered e) {
            out.subList(emitted, out.size()).clear();
            missing = missing0;
            nextSeq = seq0;
            LOG.debug("{}: trying the messages of {} passed over again failed ({}); trying later", who, folder.name(), e.toString());
            return;
        }
        retry.removeAll(done);
        if (missing.size() == 0) retry.clear();
    }

    /**
     * Counts, once per UID, what newly appeared in the folder and cannot be the author's: entries,
     * snapshots and marks naming another device ({@code untrusted}; a device folder holds only its
     * owner's), and, after the first listing, entries whose events were all read already
     * ({@code replayed}: honest authors append in sequence order and never twice). Both are skipped.
     */
    private void countForeignAndReplayed(ServerFolder.Listing l) {
        List<String> foreign = new ArrayList<>();
        l.journal().forEach(e -> { if (e.uid() > listedUpTo && !trustedAuthor(e.device())) foreign.add(e.device()); });
        l.snapshots().forEach(s -> { if (s.uid() > listedUpTo && !trustedAuthor(s.device())) foreign.add(s.device()); });
        l.marks().forEach(k -> { if (k.uid() > listedUpTo && !trustedAuthor(k.device())) foreign.add(k.device()); });
        if (!foreign.isEmpty()) {
            stats.untrusted.add(foreign.size());
            LOG.warn("{}: skipping {} message(s) in {} by other devices {}", who, foreign.size(), folder.name(), foreign);
        }
        if (listedOnce) {
            for (ServerFolder.Entry e : l.journal()) {
                if (e.uid() > listedUpTo && trustedAuthor(e.device()) && e.to() < nextSeq && e.to() >= restoredBelow
                        && !missing.overlaps(e.from(), e.to())) {
                    stats.replayed.increment();
                    LOG.warn("{}: skipping uid {} in {}: events {}..{} were read already (replayed)", who, e.uid(), folder.name(), e.from(), e.to());
                }
            }
        }
        listedOnce = true;
        listedUpTo = Math.max(listedUpTo, l.maxUid());
    }

    /** Whether the listed entries leave a sequence number from {@code nextSeq} on uncovered before their last. */
    private boolean gapAhead(ServerFolder.Listing l) {
        long expected = nextSeq;
        List<ServerFolder.Entry> es = l.journal().stream().filter(e -> e.to() >= nextSeq && trustedAuthor(e.device()) && !bad.contains(e.uid()))
                .sorted(Comparator.comparingLong(ServerFolder.Entry::from)).toList();
        for (ServerFolder.Entry e : es) {
            if (e.from() > expected) return true;
            expected = Math.max(expected, e.to() + 1);
        }
        return false;
    }

    private boolean trustedAuthor(String device) {
        return folderDevice.map(device::equals).orElse(true);
    }

    /** An entry that opened, and the reader's siblings it was not sealed to. */
    private record Opened(JournalBody body, java.util.Set<String> notSealedTo) {}

    private Optional<Opened> open(StoredMessage m) {
        try {
            SmaMail.Parsed p = SmaMail.parse(m, EntryCodec.MAX_BODY);
            JournalBody b = EntryCodec.checked(EntryCodec.decode(sealer.open(p.body(), p.header().device()), JournalBody.class));
            if (!b.pid().equals(pid) || !b.device().equals(p.header().device()) || b.from() != SmaMail.number(p.header(), "from")
                    || b.to() != SmaMail.number(p.header(), "to")) {
                throw new JournalException.Malformed("entry body does not match its header or folder");
            }
            return Optional.of(new Opened(b, sealer.notSealedTo(p.body(), b.device())));
        } catch (JournalException e) {
            skip(m.uid(), e);
            return Optional.empty();
        }
    }

    /** True when {@code s} opened and was emitted; {@link Expunged} when it is gone, unless {@code lastTry}. */
    private boolean emitSnapshot(ServerFolder.Snap s, List<EventEnvelope> out, boolean lastTry) {
        List<StoredMessage> fetched = folder.fetchServed(List.of(s.uid()), 1, this::refused);
        if (fetched.isEmpty() && !lastTry) throw new Expunged(); // replaced by a newer snapshot since the listing
        for (StoredMessage m : fetched) {
            if (!ServerFolder.stillListed(m, s)) throw new Renumbered();
            try {
                SmaMail.Parsed p = SmaMail.parse(m, EntryCodec.MAX_BODY);
                SnapshotBody b = EntryCodec.decode(sealer.open(p.body(), p.header().device()), SnapshotBody.class);
                if (!b.pid().equals(pid) || b.seq() != s.seq() || !b.device().equals(p.header().device())) {
                    throw new JournalException.Malformed("snapshot body does not match its header or folder");
                }
                Object state = serde.deserialize(b.serializer(), b.serManifest(), b.payload());
                Object meta = new KinboxEventMetadata(b.device(), new Dot(b.device(), b.seq()), Optional.empty(),
                        sealer.notSealedTo(p.body(), b.device()));
                out.add(EventEnvelope.apply(Offset.sequence(b.seq()), pid, b.seq(), new SiblingSnapshot(pid, b.seq(), state),
                        b.timestamp(), scala.Option.apply(meta)));
                missing = missing.without(1, b.seq());
                nextSeq = Math.max(nextSeq, b.seq() + 1);
                return true;
            } catch (JournalException e) {
                badSnapshots.add(m.uid());
                skip(m.uid(), e);
            }
        }
        return false;
    }

    private EventEnvelope envelope(String device, StoredEvent e, java.util.Set<String> notSealedTo) {
        Object payload = serde.deserialize(e.serializer(), e.serManifest(), e.payload());
        Optional<Hlc> hlc = payload instanceof AccountEvent ae ? Optional.of(ae.time()) : Optional.empty();
        Dot dot = payload instanceof AccountEvent ae ? ae.dot() : new Dot(device, e.seq());
        Object meta = new KinboxEventMetadata(device, dot, hlc, notSealedTo);
        return EventEnvelope.apply(Offset.sequence(e.seq()), pid, e.seq(), payload, e.timestamp(), scala.Option.apply(meta));
    }

    private void gap(long from, long to) {
        stats.gaps.increment();
        missing = missing.add(from, to);
        if (from == 1) {
            // a reader that starts on a compacted folder whose snapshot it cannot open yet: a device paired
            // after that snapshot was sealed, which learned those events in the pairing (the author's next
            // snapshot is sealed to it too) - expected, so not a warning
            LOG.info("{}: events {}..{} are compacted away in {}; waiting for a snapshot this device can open", who, from, to, folder.name());
        } else {
            LOG.warn("{}: events {}..{} are missing from {} (withheld or compacted); waiting for a snapshot to heal", who, from, to, folder.name());
        }
    }

    /** Emits the events of {@code b} that lie in a missing range (true if any range overlapped), and marks its range read. */
    private boolean fillMissing(JournalBody b, java.util.Set<String> notSealedTo, List<EventEnvelope> out) {
        if (!missing.overlaps(b.from(), b.to())) return false;
        List<StoredEvent> late = new ArrayList<>();
        for (StoredEvent e : b.events()) {
            if (e.seq() < nextSeq && e.seq() <= toSeq && missing.overlaps(e.seq(), e.seq())) late.add(e);
        }
        for (int i = 0; i < late.size(); i++) out.add(envelope(b.device(), late.get(i), i == late.size() - 1 ? notSealedTo : java.util.Set.of()));
        if (!late.isEmpty()) {
            LOG.info("{}: events {}..{} of {} arrived after they were passed over as a gap (uploaded again, or served at last); read now", who,
                    late.get(0).seq(), late.get(late.size() - 1).seq(), folder.name());
        }
        missing = missing.without(b.from(), Math.min(b.to(), nextSeq - 1));
        return true;
    }

    private void skip(long uid, JournalException e) {
        if (e instanceof JournalException.Untrusted) stats.untrusted.increment();
        else stats.malformed.increment();
        if (e instanceof JournalException.Untrusted u && u.retiredAuthor()) {
            // what a sibling still reads of a device after it learnt of its retirement (docs/PROTOCOL.md, "Removal and expiry")
            LOG.info("{}: skipping uid {} in {}: {}", who, uid, folder.name(), e.getMessage());
        } else if (e.getCause() instanceof dev.kinbox.crypto.CryptoException.NoMatchingKey) {
            // what every newly paired device meets in its siblings' folders: entries sealed before it was paired
            LOG.info("{}: skipping uid {} in {}: not sealed for this device (written before it was paired?): {}", who, uid, folder.name(),
                    e.getMessage());
        } else {
            LOG.warn("{}: skipping uid {} in {}: {}", who, uid, folder.name(), e.getMessage());
        }
    }
}
