package dev.kinbox.actors.muaa;

import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.KeyEvent;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.HybridClock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness and removal (docs/PROTOCOL.md, "Removal and expiry"): {@link Muaa.RemoveDevice}, and the
 * periodic check ({@code Timing.livenessCheck}) that refreshes this device when due, retires
 * siblings silent longer than {@code Timing.expireAfter} or named by a trusted retirement notice,
 * cleans up after retired devices, and notices when this device itself was retired. Used on the
 * actor's thread only; folder I/O runs blocking via {@link Muaa#runBlocking}.
 */
final class Liveness {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);
    private final Muaa m;
    private final Muaa.Settings settings;
    private final Clock clock;
    private final HybridClock hlc;
    private final Environment env;
    /** Longest read of a removed sibling's folder before it is retired ({@link #remove(AccountState, Muaa.RemoveDevice, boolean)}). */
    static final java.time.Duration CATCH_UP_WAIT = java.time.Duration.ofSeconds(15);
    /** Longest wait of a removal's reply for its {@code DeviceRetired} to reach the server. */
    static final java.time.Duration REPLY_UPLOAD_WAIT = java.time.Duration.ofSeconds(5);
    /**
     * Why this device was retired, from a trusted notice or roll naming it. Not persisted: a retired device writes nothing
     * more; it is found again on the next start.
     */
    private String retiredBy;
    private boolean checking;
    /** A leave's notice is going up: edits are refused until the retirement is persisted ({@link #mayNotWrite}). */
    private boolean noticing;
    /**
     * Back from an absence: a refresh of this device came after a silence of more than {@code expireAfter}
     * less one {@code announceEvery}, so a sibling may have retired it before that refresh reaches the
     * server. True until a check that began once the refresh was on the server found no notice naming it
     * ({@link #mayHaveBeenRetired}). Since when the refresh is on the server (System.nanoTime), 0 while not yet.
     */
    private boolean returning;
    private long returnUploadedAt;
    /**
     * How long after the refresh reached the server the check that ends {@link #returning} must begin (nanos): 0, or one
     * {@code livenessCheck} after a silence so long that the notice may have been collected ({@link #refreshed}).
     */
    private long returnHold;
    private boolean awaitingReturnUpload;
    /** When the check now running began (System.nanoTime). */
    private long checkStartedAt;
    /**
     * The last check failed (the server out of reach): it is tried again at the next store read that
     * succeeds ({@link #storeReached}), not only at the next {@code livenessCheck}.
     */
    private boolean failedCheck;
    /** When the last such early retry was asked (System.nanoTime); 0: never. At most one per {@code livenessCheck}. */
    private long earlyRetryAt;
    /** Who asked for a check now ({@link Muaa.CheckLiveness}), answered when the running check has been acted on. */
    private final List<ActorRef<StatusReply<Done>>> askedNow = new ArrayList<>();
    /**
     * Held by each clean-up while it runs (on the blocking dispatcher): a check that read the folder
     * before a removal's notice was appended also publishes one, and two clean-ups searching for the
     * same Message-ID at once would both append it.
     */
    private final Object cleaning = new Object();

    /**
     * Told by the journal (on its thread) when this device's folder is gone and its uploads wait for word whether the
     * device was retired (KinboxJournalRuntime#onRetirementDoubt): a check now reads the notices and answers.
     */
    private final Runnable doubtAsked;

    Liveness(Muaa m) {
        this.m = m;
        this.settings = m.settings;
        this.clock = m.clock;
        this.hlc = m.hlc;
        this.env = m.env;
        ActorRef<Muaa.Command> self = m.ctx.getSelf();
        this.doubtAsked = () -> self.tell(Muaa.LivenessTick.INSTANCE);
    }

    /** Recovered: the journal may ask this device to read the notices now (its folder gone, perhaps by its retirement). */
    void answerDoubts() {
        if (env != null) m.journal().onRetirementDoubt(settings.deviceId(), doubtAsked);
    }

    /** Stopped: a later MUAA of the device answers. */
    void stop() {
        if (env != null) m.journal().offRetirementDoubt(settings.deviceId(), doubtAsked);
        answerAskedNow(new IllegalStateException("the device stopped before its liveness check was acted on"));
    }

    /**
     * {@link Muaa.CheckLiveness}: the check runs now (a running one is joined), and the asker hears once it has
     * been acted on - this device's refresh (if due) and the retirements it found persisted - or that it failed.
     * A device that does not work in the account has nothing to check, and hears so at once.
     */
    Effect<Object, AccountState> checkNow(AccountState state, Muaa.CheckLiveness c) {
        askedNow.add(c.replyTo());
        if (checking) return m.Effect().none();
        Effect<Object, AccountState> started = tick(state);
        if (!checking) {
            answerAskedNow(new IllegalStateException(env == null ? "this device has no store to check"
                    : retired(state).map(why -> "this device is retired: " + why).orElse("this device is not paired")));
        }
        return started;
    }

    private void answerAskedNow(Throwable failure) {
        for (ActorRef<StatusReply<Done>> to : askedNow) {
            to.tell(failure == null ? StatusReply.success(Done.getInstance()) : StatusReply.error(failure.toString()));
        }
        askedNow.clear();
    }

    /**
     * A read of the notices found none this device trusts naming it (it may still be retired in its state; the journal
     * knows that from {@link Muaa#reconcile}): its uploads and watch may create its folder again if they found it gone.
     */
    void readNoNotice(AccountState state) {
        if (retired(state).isEmpty()) m.journal().deviceNotRetired(settings.deviceId());
    }

    /** Why this device may no longer work in the account, or empty while it may. */
    Optional<String> retired(AccountState state) {
        if (retiredBy != null) return Optional.of(retiredBy);
        DeviceRecord self = state.devices().get(settings.deviceId());
        if (self != null && self.status() == DeviceStatus.RETIRED) {
            return Optional.of("this device was retired (it left the account, or a sibling retired it); pair again as a new device (new device key)");
        }
        return Optional.empty();
    }

    /**
     * The account keys {@code state} holds, every one (older ones too: a device back after its retirement may know only
     * those), to sign this device's notices with besides its own key (docs/PROTOCOL.md, "Removal and expiry").
     */
    List<OpenPGPKey> accountSigners(AccountState state) {
        return env == null ? List.of() : dev.kinbox.actors.mail.AccountKeys.of(env.crypto(), state).all().stream()
                .map(dev.kinbox.actors.mail.AccountKeys.HeldKey::key).toList();
    }

    /**
     * The certificates of the account keys {@code state} holds, parsed only when asked: what a notice naming this device
     * by a device it does not know must be signed with to be trusted ({@link RetireNotice#verifyByAccount}).
     */
    java.util.function.Supplier<List<org.bouncycastle.openpgp.api.OpenPGPCertificate>> accountCertificates(AccountState state) {
        return () -> accountSigners(state).stream().map(OpenPGPKey::toCertificate).toList();
    }

    /** Device id to certificate bytes of the devices whose notices this device trusts: those its state has as paired. */
    Map<String, byte[]> trusted(AccountState state) {
        return certificates(state, DeviceStatus.PAIRED);
    }

    /** Device id to certificate bytes of the devices {@code state} has as retired: their notices go to {@code byRetired}. */
    Map<String, byte[]> retiredAuthors(AccountState state) {
        return certificates(state, DeviceStatus.RETIRED);
    }

    /**
     * A leave read from the leaver's folder, or a merged state, just applied ({@code before} to {@code after}) retired a
     * device this device had not retired: a check now, so that this device's roll lists it within moments rather than at
     * the next {@code livenessCheck} - the device that left waits for a roll that lists it (docs/PROTOCOL.md, "Removal
     * and expiry"), and the check also cleans up after it. Not asked for a removal or an expiry read from the sibling
     * that made it: nobody waits for those. A no-op while a check runs: that one writes the roll.
     */
    void retirementsLearnt(AccountState before, AccountState after) {
        if (env == null || retired(after).isPresent()) return;
        Set<String> now = withStatus(after, DeviceStatus.RETIRED);
        if (!withStatus(before, DeviceStatus.RETIRED).containsAll(now)) m.ctx.getSelf().tell(Muaa.LivenessTick.INSTANCE);
    }

    /** The ids of the devices {@code state} has with {@code status}. */
    private static Set<String> withStatus(AccountState state, DeviceStatus status) {
        Set<String> out = new java.util.HashSet<>();
        state.devices().forEach((id, rec) -> {
            if (rec.status() == status) out.add(id);
        });
        return out;
    }

    /** Device id to certificate bytes of the devices {@code state} has with {@code status}. */
    private static Map<String, byte[]> certificates(AccountState state, DeviceStatus status) {
        Map<String, byte[]> out = new HashMap<>();
        state.devices().forEach((id, rec) -> {
            if (rec.status() == status && rec.certificate() != null) out.put(id, rec.certificate().value().toByteArray());
        });
        return out;
    }

    /**
     * Takes note of a trusted notice or roll naming this device (from {@code read}): from now on it reads and writes
     * nothing in the account. A roll tells it when the notice is gone: collected while it was away, and the sibling
     * that retired it not running to renew it (docs/PROTOCOL.md, "Retirement rolls").
     */
    void learn(AccountState state, AnnouncementFolder.Contents read) {
        if (retiredBy != null) return;
        String self = settings.deviceId();
        for (RetireNotice n : read.notices()) {
            if (n.deviceId().equals(self)) {
                retiredBy = n.describe();
                break;
            }
        }
        for (RetireRoll r : read.rolls()) {
            if (retiredBy == null && !r.by().equals(self) && r.retired().contains(self)) retiredBy = r.describe();
        }
        if (retiredBy == null) return;
        LOG.warn("{}", retiredBy);
        m.reconcile(state);
    }

    Effect<Object, AccountState> remove(AccountState state, Muaa.RemoveDevice c) {
        return remove(state, c, false);
    }

    /**
     * {@code caughtUp}: the target's folder was read to its end first. A paired sibling's removal
     * reads it before retiring it: from the retirement on its entries are refused and its folder is
     * purged, so what it uploaded and nobody had read yet (a pairing it made just before) would be
     * lost with it.
     */
    Effect<Object, AccountState> remove(AccountState state, Muaa.RemoveDevice c, boolean caughtUp) {
        return remove(state, c, caughtUp, LeaveStage.NOT_LOOKED, REPLY_UPLOAD_WAIT);
    }

    /**
     * A leave, once it has looked whether all this device wrote is on the server (again until its deadline): then it
     * appends its notice, or, the uploads late, retires this device without it.
     */
    Effect<Object, AccountState> leaveUploaded(AccountState state, Muaa.LeaveUploaded u) {
        boolean up = uploadedNow();
        if (!up && System.nanoTime() - u.deadlineNanos() < 0) {
            awaitUploads(u);
            return m.Effect().none();
        }
        if (!up) LOG.info("this device's uploads did not reach the server in time: it leaves without its notice for now, which goes up once its retirement is on the server");
        // one budget for every wait: an offline device's leave is answered within REPLY_UPLOAD_WAIT, as a removal is
        return remove(state, u.remove(), false, up ? LeaveStage.UPLOADED : LeaveStage.UPLOADS_LATE, left(u.deadlineNanos()));
    }

    /**
     * A leave whose uploads were all on the server, once its notice went up (or failed to: the leave's wait appends it
     * later): it retires this device now.
     */
    Effect<Object, AccountState> leaveNoticed(AccountState state, Muaa.LeaveNoticed n) {
        noticing = false;
        if (n.failure() != null) LOG.warn("this device's notice that it leaves failed ({}); it goes up while the device waits for a sibling to read its leave",
                n.failure().toString());
        return remove(state, n.remove(), false, LeaveStage.NOTICED, left(n.deadlineNanos()));
    }

    /**
     * Why this device may not write an edit now: retired ({@link #retired}), or leaving - its notice is going up, and
     * what it wrote from then on could be missing from its folder when a sibling that read the notice reads it.
     */
    Optional<String> mayNotWrite(AccountState state) {
        Optional<String> gone = retired(state);
        return gone.isPresent() || !noticing ? gone : Optional.of("this device is leaving the account");
    }

    private static java.time.Duration left(long deadlineNanos) {
        return java.time.Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** Whether everything this device persisted is on the server now (its own events; uploads go in order). */
    boolean uploadedNow() {
        return m.uploadedWithin(java.time.Duration.ZERO).getNow(false);
    }

    private void awaitUploads(Muaa.LeaveUploaded u) {
        m.ctx.pipeToSelf(m.uploadedWithin(left(u.deadlineNanos())), (ok, e) -> u);
    }

    /** Where a leave stands ({@link #remove(AccountState, Muaa.RemoveDevice, boolean, LeaveStage, java.time.Duration)}). */
    private enum LeaveStage {
        /** Not looked yet whether all this device wrote is on the server (and any removal of a sibling). */
        NOT_LOOKED,
        /** Not all of it went up in time: it retires without its notice, which {@link LeaveConfirmation} appends later. */
        UPLOADS_LATE,
        /** All of it is on the server: its notice goes up next (or, retired already, with the clean-up). */
        UPLOADED,
        /** Its notice went up (or was tried): it retires now. */
        NOTICED
    }

    /**
     * {@code stage}: where a leave stands ({@link LeaveStage#NOT_LOOKED} for a removal); {@code replyWait}: how long the
     * answer waits for the retirement to be on the server.
     *
     * <p>A leaver's notice tells its siblings that all it wrote is there: one that reads it reads the leaver's folder to
     * its end and retires it, refusing its entries from then on. So the leave first waits for its uploads, then appends
     * its notice (refusing edits meanwhile, {@link #mayNotWrite}), then persists its retirement: a sibling that reads the
     * retirement finds the notice there, and writes none of its own. The waits share one {@link #REPLY_UPLOAD_WAIT}.
     * A leaver whose uploads did not go through in time retires without the notice, and {@link LeaveConfirmation}
     * appends it once the retirement is on the server. Before, the notice went up at once: a device back online with edits still uploading that left had its
     * notice read first, and those edits refused (docs/PROTOCOL.md, "Removal and expiry").
     */
    private Effect<Object, AccountState> remove(AccountState state, Muaa.RemoveDevice c, boolean caughtUp, LeaveStage stage,
                                                java.time.Duration replyWait) {
        String self = settings.deviceId();
        DeviceRecord me = state.devices().get(self);
        DeviceRecord target = c.deviceId() == null ? null : state.devices().get(c.deviceId());
        boolean leaving = self.equals(c.deviceId());
        String error = env == null ? "this MUAA was created without an Environment"
                : retired(state).isPresent() ? retired(state).get()
                : me == null || me.status() != DeviceStatus.PAIRED ? "this device is not paired in the account"
                : c.deviceId() == null || !SmaFolders.isDeviceId(c.deviceId()) ? "not a device id: " + c.deviceId()
                : target == null ? "no device " + c.deviceId() + " in this account"
                : leaving && !c.evenThisDevice() ? "refusing to remove this device itself; ask with evenThisDevice to leave the account" : null;
        if (error != null) return m.Effect().reply(c.replyTo(), StatusReply.error(error));
        if (!caughtUp && !leaving && target.status() == DeviceStatus.PAIRED) {
            m.catchUpThen(c.deviceId(), CATCH_UP_WAIT, new Muaa.RemoveCaughtUp(c));
            return m.Effect().none();
        }
        if (leaving && stage == LeaveStage.NOT_LOOKED) {
            if (target.status() != DeviceStatus.RETIRED) {
                awaitUploads(new Muaa.LeaveUploaded(c, System.nanoTime() + REPLY_UPLOAD_WAIT.toNanos()));
                return m.Effect().none();
            }
            // asked again after it left: its notice goes up when its retirement is on the server
            stage = uploadedNow() ? LeaveStage.UPLOADED : LeaveStage.UPLOADS_LATE;
        }
        RetireNotice notice = new RetireNotice(c.deviceId(), self, clock.millis(),
                leaving ? RetireNotice.Reason.LEFT : RetireNotice.Reason.REMOVED);
        if (leaving && stage == LeaveStage.UPLOADED && target.status() != DeviceStatus.RETIRED) {
            noticing = true;
            long deadline = System.nanoTime() + replyWait.toNanos();
            m.runBlocking(() -> {
                synchronized (cleaning) {
                    try {
                        m.announcements().publishNotice(notice, m.privateKey(), accountSigners(state), clock);
                    } catch (dev.kinbox.crypto.CryptoException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                    return Boolean.TRUE;
                }
            }, (v, e) -> new Muaa.LeaveNoticed(c, deadline, e));
            return m.Effect().none();
        }
        List<RetireNotice> publish = leaving && stage != LeaveStage.UPLOADED ? List.of() : List.of(notice);
        Set<String> purge = leaving ? Set.of() : Set.of(c.deviceId());
        Set<String> folders = leaving || !folderExpired(clock.millis(), target) ? Set.of() : purge;
        Runnable cleanUp = () -> cleanUp(new CleanUp(publish, List.of(), Optional.empty(), purge, folders, List.of(), List.of(),
                        () -> accountSigners(state)),
                leaving, c.replyTo(), c.deviceId(), replyWait);
        if (target.status() == DeviceStatus.RETIRED) return m.Effect().none().thenRun(s -> cleanUp.run());
        LOG.info("{} device {}", leaving ? "leaving the account: retiring this" : "removing", c.deviceId());
        return m.Effect().persist(Adoption.withAdoption(self, state, List.of(new DeviceEvent.DeviceRetired(m.nextDot(state), hlc.now(),
                c.deviceId())))).thenRun(s -> {
            m.reconcile(s);
            cleanUp.run();
            if (!leaving) rotateKey(s);
        });
    }

    /**
     * The timer: reads {@code _Autocrypt_SMA} and the folder list (blocking) when this device works in the
     * account, and has the journal audit this device's own folder.
     */
    Effect<Object, AccountState> tick(AccountState state) {
        DeviceRecord me = state.devices().get(settings.deviceId());
        if (env == null || checking || retired(state).isPresent() || me == null || me.status() != DeviceStatus.PAIRED) return m.Effect().none();
        checking = true;
        checkStartedAt = System.nanoTime();
        awaitReturnUpload();
        // and that its own folder still holds what it uploaded (docs/PROTOCOL.md, "The author's audit")
        m.journal().auditOwnFolder(m.persistenceId().id());
        Map<String, byte[]> trusted = trusted(state);
        Map<String, byte[]> retiredAuthors = retiredAuthors(state);
        long readAt = clock.millis();
        m.runBlocking(() -> new Muaa.Checked(readAt, m.announcements().readAll(trusted, retiredAuthors, accountCertificates(state)),
                        Set.copyOf(m.journal().mailStore(settings.deviceId()).listFolders()), null),
                (v, e) -> e != null ? new Muaa.Checked(readAt, null, null, e) : v);
        return m.Effect().none();
    }

    /**
     * A read of the store succeeded (a drop poll, as at every reconnection of the watch on this device's
     * folder): a check that failed since the last one that did runs again now. A device online only in
     * spells shorter than {@code livenessCheck} - a phone woken for a minute, a laptop between networks -
     * whose periodic checks all fell in its time offline would otherwise never refresh itself while it
     * runs, and be retired by its siblings after {@code expireAfter}. At most one such retry per
     * {@code livenessCheck}, so a check that keeps failing on a server that answers other reads (it
     * refuses {@code _Autocrypt_SMA}) costs one extra check per interval, not one per poll.
     */
    void storeReached() {
        if (!failedCheck || checking) return;
        long now = System.nanoTime();
        if (earlyRetryAt != 0 && now - earlyRetryAt < env.timing().livenessCheck().toNanos()) return;
        earlyRetryAt = now;
        failedCheck = false;
        m.ctx.getSelf().tell(Muaa.LivenessTick.INSTANCE);
    }

    /**
     * What the check found: refresh, retirements (by expiry or notice) in one batch, then the clean-up.
     * {@code unread}: null on the check's first pass; else the folders of the paired devices this check
     * retires were read to their end first, but for those in {@code unread}. As for a removal, from the
     * retirement on their entries are refused, so what they uploaded and this device had not read yet -
     * the last edits of a device that left while this one was away, which may be nowhere else - would be
     * lost with them; so a check that would retire a paired device reads its folder first (at most
     * {@link #CATCH_UP_WAIT}) and then runs again on what it read. An expiry is no hurry: one whose folder
     * could not be read to its end (the server failed the read, or it took too long) waits for the next
     * check, until the device has been silent for {@code expireAfter} plus one {@code announceEvery} (when
     * its folder is due for deletion anyway); so does a device whose notice says it left (it read its
     * siblings and uploaded what it wrote, but nobody read its folder for it: what it wrote last may be
     * only there); a notice by another device retires at once (its author read the folder). Silence is
     * judged at the time the check read ({@code c.readAt()}), on both passes: the catch-up between them
     * may take long on this device's clock (a slow server, a device put to sleep in the middle of it), and
     * a sibling not expired when the check read would otherwise be retired on what was read then, without
     * its refreshes since and without its folder being read (seen in the simulator at 3600x).
     */
    Effect<Object, AccountState> checked(AccountState state, Muaa.Checked c, Set<String> unread) {
        EffectBuilder<Object, AccountState> acted = actOn(state, c, unread);
        if (checking || askedNow.isEmpty()) return acted; // a catch-up first: the check runs again on what it read
        return acted.thenRun(s -> answerAskedNow(c.failure()));
    }

    private EffectBuilder<Object, AccountState> actOn(AccountState state, Muaa.Checked c, Set<String> unread) {
        boolean caughtUp = unread != null;
        checking = false;
        failedCheck = c.failure() != null;
        if (c.failure() != null) {
            LOG.info("liveness check failed (retried once the server answers again, or at the next one): {}", c.failure().toString());
            return m.Effect().none();
        }
        learn(state, c.contents());
        readNoNotice(state);
        String self = settings.deviceId();
        DeviceRecord me = state.devices().get(self);
        if (retired(state).isPresent() || me == null || me.status() != DeviceStatus.PAIRED) return m.Effect().none();
        if (returning && returnUploadedAt != 0 && checkStartedAt - returnUploadedAt > returnHold) returning = false; // no notice names it
        long now = clock.millis();
        long at = Math.min(now, c.readAt()); // when the devices' silence is judged (min: a clock set back meanwhile)
        // back from an absence and not yet sure its siblings did not retire it: its view of them is as old as its absence
        // (a retired device cannot read what they wrote since), so it judges nobody's silence until it knows
        boolean unsure = mayHaveBeenRetired(state);
        Set<String> notJudged = new LinkedHashSet<>();
        List<Object> events = new ArrayList<>();
        boolean refresh = now - me.lastActive() >= env.timing().announceEvery().toMillis();
        if (refresh) events.add(new DeviceEvent.DeviceSeenActive(m.nextDot(state, events.size()), hlc.now(), self, now));
        Map<String, RetireNotice> noticed = new HashMap<>();
        Set<String> toRead = new LinkedHashSet<>();
        Set<String> postponed = new LinkedHashSet<>();
        for (RetireNotice n : c.contents().notices()) noticed.putIfAbsent(n.deviceId(), n);
        List<RetireNotice> publish = new ArrayList<>();
        List<RetireNotice> renew = new ArrayList<>();
        List<Long> forget = new ArrayList<>();
        Set<String> purge = new LinkedHashSet<>();
        Set<String> folders = new LinkedHashSet<>();
        for (Map.Entry<String, DeviceRecord> e : state.devices().entrySet()) {
            String id = e.getKey();
            DeviceRecord rec = e.getValue();
            if (id.equals(self)) continue;
            if (rec.status() == DeviceStatus.RETIRED) {
                boolean past = folderExpired(at, rec);
                boolean announced = c.contents().announcements().containsKey(id);
                boolean folderDue = past && c.folders().contains(folder(id));
                if (announced || folderDue || c.contents().rollUids().containsKey(id)) purge.add(id);
                if (folderDue) folders.add(id);
                // past its folder's time, a folder of it is a sign of life too: a device coming back creates its folder
                // before it announces, and a check that read between the two would delete both unseen
                switch (noticeUpkeep(at, past, announced || folderDue, id, c.contents().notices(), c.contents().byRetired(), env.timing().expireAfter())) {
                    case PUBLISH -> publish.add(new RetireNotice(id, self, now, RetireNotice.Reason.REMOVED));
                    case RENEW -> renew.add(new RetireNotice(id, self, now, ownReason(id, c.contents().notices())));
                    case FORGET -> forget.addAll(c.contents().noticeUids().getOrDefault(id, List.of()));
                    case KEEP -> { }
                }
                continue;
            }
            Announcement a = c.contents().announcements().get(id);
            long seen = lastSeen(rec, a);
            boolean expired = expired(at, rec, a, env.timing().expireAfter());
            if (expired && unsure) {
                notJudged.add(id);
                expired = false;
            }
            if (!expired && !noticed.containsKey(id)) continue;
            if (!caughtUp && rec.status() == DeviceStatus.PAIRED) {
                toRead.add(id);
                continue;
            }
            if (caughtUp && (!noticed.containsKey(id) || noticed.get(id).reason() == RetireNotice.Reason.LEFT) && unread.contains(id)
                    && seen != PeerState.NEVER && at - seen <= env.timing().expireAfter().toMillis() + env.timing().announceEvery().toMillis()) {
                postponed.add(id);
                continue;
            }
            LOG.info("retiring device {}: {}", id, expired ? "silent since " + java.time.Instant.ofEpochMilli(seen) : "a trusted notice says so");
            events.add(new DeviceEvent.DeviceRetired(m.nextDot(state, events.size()), hlc.now(), id));
            if (!noticed.containsKey(id)) publish.add(new RetireNotice(id, self, now, RetireNotice.Reason.EXPIRED));
            purge.add(id);
            if (folderExpired(at, rec)) folders.add(id);
        }
        if (!toRead.isEmpty()) {
            LOG.info("reading the folders of {} to their end before retiring them", toRead);
            checking = true; // until the check runs again on what it read
            m.catchUpThen(toRead, CATCH_UP_WAIT, read -> new Muaa.CheckCaughtUp(c, read));
            return m.Effect().none();
        }
        if (!postponed.isEmpty()) {
            LOG.info("not retiring {} yet: their folders could not be read to their end; the next check tries again", postponed);
        }
        if (!notJudged.isEmpty()) {
            LOG.info("not retiring {} for silence yet: this device was away, and first learns whether its siblings retired it", notJudged);
        }
        Set<String> retiredNow = new java.util.TreeSet<>(withStatus(state, DeviceStatus.RETIRED));
        for (Object e : events) if (e instanceof DeviceEvent.DeviceRetired r) retiredNow.add(r.deviceId());
        Optional<RetireRoll> roll = rollUpkeep(self, now, retiredNow, c.contents().rolls(), c.contents().rollUids().getOrDefault(self, List.of()));
        CleanUp tidy = new CleanUp(publish, renew, roll, purge, folders, forget, c.contents().impostors(),
                () -> accountSigners(state));
        if (events.isEmpty() && tidy.isEmpty()) return m.Effect().none();
        String name = me.name() == null ? "device" : me.name().value();
        return (events.isEmpty() ? m.Effect().none() : m.Effect().persist(Adoption.withAdoption(self, state, events))).thenRun(s -> {
            m.reconcile(s);
            if (refresh) {
                m.bootstrap.publish(name, now, null, null);
                refreshed(me.lastActive(), now);
            }
            if (!tidy.isEmpty()) cleanUp(tidy, false, null, null, REPLY_UPLOAD_WAIT);
            if (events.stream().anyMatch(e -> e instanceof DeviceEvent.DeviceRetired)) rotateKey(s);
        });
    }

    /**
     * This device just persisted a refresh at {@code now}, its last activity before being {@code before}:
     * after a silence of more than {@code expireAfter} less one {@code announceEvery} it is returning
     * ({@link #mayHaveBeenRetired}) until a check that began once the refresh was on the server. After a
     * silence past its folder's time ({@link #folderExpired}: more than {@code expireAfter} plus one
     * {@code announceEvery}) the notice that retired it may have been collected, and only a sibling's check
     * that sees it back renews it; so that check must begin at least one {@code livenessCheck} after the
     * refresh was on the server (the account's devices check at the same pace), time for every running
     * sibling to have checked once (docs/PROTOCOL.md, "Back from an absence"). Not for a device whose
     * state has no paired sibling: nobody could have retired it.
     */
    void refreshed(long before, long now) {
        if (before != PeerState.NEVER && now - before <= env.timing().expireAfter().toMillis() - env.timing().announceEvery().toMillis()) return;
        returning = true;
        returnUploadedAt = 0;
        // a device with no paired sibling has nobody who could have retired it
        returnHold = pastFolderTime(now, before) && !env.keyring().siblings().isEmpty() ? env.timing().livenessCheck().toNanos() : 0;
        awaitReturnUpload();
    }

    /** Waits (without blocking) until this device's journal is on the server through its latest event, then asks for a check. */
    private void awaitReturnUpload() {
        if (!returning || returnUploadedAt != 0 || awaitingReturnUpload || env == null) return;
        awaitingReturnUpload = true;
        m.ctx.pipeToSelf(m.uploadedWithin(java.time.Duration.ofSeconds(30)), (ok, e) -> new Muaa.ReturnUploaded(ok != null && ok));
    }

    /** The refresh of a returning device is on the server ({@code ok}), or not yet (asked again at the next check). */
    Effect<Object, AccountState> returnUploaded(AccountState state, Muaa.ReturnUploaded c) {
        awaitingReturnUpload = false;
        if (c.ok() && returning && returnUploadedAt == 0) {
            returnUploadedAt = System.nanoTime();
            if (returnUploadedAt == 0) returnUploadedAt = 1;
            return tick(state); // the check that tells whether a sibling retired it meanwhile
        }
        return m.Effect().none();
    }

    /**
     * Whether this device's siblings may have retired it by expiry without this device knowing: its own last
     * activity is more than {@code expireAfter} less one {@code announceEvery} ago (it was away and has not
     * refreshed itself since), or it refreshed itself after such an absence and no check since that refresh
     * reached the server has told it (a sibling's check may have seen it silent before the refresh arrived).
     * A device that keeps running never is: it refreshes every {@code announceEvery}.
     */
    boolean mayHaveBeenRetired(AccountState state) {
        if (returning) return true;
        DeviceRecord me = state.devices().get(settings.deviceId());
        return me != null && me.lastActive() != PeerState.NEVER
                && clock.millis() - me.lastActive() > env.timing().expireAfter().toMillis() - env.timing().announceEvery().toMillis();
    }

    /** What a check does about the retirement notices naming a device its state has as retired. */
    enum NoticeUpkeep {
        /**
         * none trusted is there, nor the device's own that it left: append one (a clean-up that crashed; or a sibling whose
         * notice this device does not trust)
         */
        PUBLISH,
        /**
         * an announcement or a folder of the device is there after its folder's time was up: it is running again (or a
         * clean-up is pending), tell it again with a fresh notice
         */
        RENEW,
        /**
         * it has been silent past its folder's time and every trusted notice, and every one of an author retired since,
         * is older than {@code expireAfter}: delete them all
         */
        FORGET,
        KEEP
    }

    /**
     * The notices' garbage collection (docs/PROTOCOL.md, "Removal and expiry"). A notice is needed
     * by the retired device, and by a sibling that was away when it was retired; a sibling that is not
     * expired itself comes back within {@code expireAfter} of the retirement, and the retired device,
     * silent past its folder's time ({@code past}, {@link #folderExpired}), counts as gone. So the
     * notices go once both hold and nothing of the retired device is there ({@code present}: an
     * announcement or a folder of it); should it come back later, its start creates its folder and
     * announces it, which the next sibling's check deletes as always and answers with a fresh notice.
     * A fresh notice whose author this device has as retired ({@code byRetired}: it left or was retired
     * since it wrote it) keeps them too: the retired device, whose state is older, may still trust that
     * author, and with every sibling that would renew a notice gone since, it is the only thing that
     * tells it (one dated after {@code now} counts not, so a stolen retired key cannot keep them for good).
     */
    static NoticeUpkeep noticeUpkeep(long now, boolean past, boolean present, String id, List<RetireNotice> trusted,
                                     List<RetireNotice> byRetired, java.time.Duration expireAfter) {
        boolean any = false, fresh = false;
        for (RetireNotice n : trusted) {
            if (!n.deviceId().equals(id)) continue;
            any = true;
            fresh |= now - n.at() <= expireAfter.toMillis();
        }
        if (past && present) return fresh ? NoticeUpkeep.KEEP : NoticeUpkeep.RENEW;
        if (!past) return any || leftByItself(id, byRetired) ? NoticeUpkeep.KEEP : NoticeUpkeep.PUBLISH;
        for (RetireNotice n : byRetired) fresh |= n.deviceId().equals(id) && n.at() <= now && now - n.at() <= expireAfter.toMillis();
        return fresh ? NoticeUpkeep.KEEP : NoticeUpkeep.FORGET;
    }

    /**
     * Whether {@code id}'s own notice that it left is among {@code byRetired}: every device whose state has it
     * as paired trusts that one, and one that has it retired needs none, so a second notice would only be
     * one more message to collect (with the wrong reason, {@code removed}).
     */
    static boolean leftByItself(String id, List<RetireNotice> byRetired) {
        for (RetireNotice n : byRetired) if (n.deviceId().equals(id) && n.by().equals(id) && n.reason() == RetireNotice.Reason.LEFT) return true;
        return false;
    }

    /** The reason of this device's own notice naming {@code id}, kept when it renews it; {@code removed} when it has none. */
    private RetireNotice.Reason ownReason(String id, List<RetireNotice> trusted) {
        for (RetireNotice n : trusted) if (n.deviceId().equals(id) && n.by().equals(settings.deviceId())) return n.reason();
        return RetireNotice.Reason.REMOVED;
    }

    /**
     * The roll this device is to make its only one in the folder (docs/PROTOCOL.md, "Retirement rolls"), or empty when
     * it is there already, alone, or when its state holds no device as retired ({@code retired}, this check's retirements
     * included). {@code rolls}: the trusted rolls read, this device's own among them; {@code ownUids}: the UIDs of every
     * message with a roll's header in this device's name. Its own roll listing the same devices is kept, and the other
     * messages go; copies of that roll (a provider's replay) may stay, as they say the same.
     */
    static Optional<RetireRoll> rollUpkeep(String self, long now, Set<String> retired, List<RetireRoll> rolls, List<Long> ownUids) {
        Optional<RetireRoll> wanted = RetireRoll.of(self, now, retired);
        if (wanted.isEmpty()) return Optional.empty();
        List<RetireRoll> current = rolls.stream().filter(r -> r.by().equals(self) && r.retired().equals(wanted.get().retired())).toList();
        if (current.isEmpty()) return wanted;
        return current.size() >= ownUids.size() ? Optional.empty() : Optional.of(current.get(0));
    }

    /** A device's last activity as far as this device can tell: its state's, or its verified announcement's when later. */
    static long lastSeen(DeviceRecord rec, Announcement announcement) {
        return Math.max(rec.lastActive(), announcement == null ? PeerState.NEVER : announcement.activeAt());
    }

    /**
     * Whether a device is to be retired for silence at {@code now}: paired, and silent for longer than
     * {@code expireAfter} by both its state and its announcement (a device that comes back after a
     * long absence, whose state is behind, must not retire siblings whose announcements are fresh).
     * A paired device never seen active counts as silent.
     */
    static boolean expired(long now, DeviceRecord rec, Announcement announcement, java.time.Duration expireAfter) {
        long seen = lastSeen(rec, announcement);
        return rec.status() == DeviceStatus.PAIRED && (seen == PeerState.NEVER || now - seen > expireAfter.toMillis()); // NEVER: no overflow
    }

    /** When the account asks for it ({@link Muaa#ROTATE_KEY_ON_REMOVAL}), makes a new account key (blocking) to replace the current one. */
    private void rotateKey(AccountState state) {
        var setting = state.settings().get(Muaa.ROTATE_KEY_ON_REMOVAL);
        if (setting == null || !"true".equals(setting.value())) return;
        String revoke = state.currentKeyFingerprint().orElse(null);
        m.runBlocking(() -> {
            try {
                var key = env.crypto().generateKey("<" + settings.accountId() + ">");
                return new Muaa.Rotated(dev.kinbox.crypto.Crypto.fingerprint(key),
                        dev.kinbox.crypto.Crypto.armor(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII), revoke, null);
            } catch (dev.kinbox.crypto.CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (v, e) -> e != null ? new Muaa.Rotated(null, null, null, e) : v);
    }

    /** The new account key: created and the old one revoked (kept for decrypting older mail) in one batch. */
    Effect<Object, AccountState> rotated(AccountState state, Muaa.Rotated r) {
        if (r.failure() != null) {
            LOG.warn("account key not rotated: {}", r.failure().toString());
            return m.Effect().none();
        }
        if (retired(state).isPresent()) return m.Effect().none();
        List<Object> events = new ArrayList<>();
        events.add(new KeyEvent.AccountKeyCreated(m.nextDot(state), hlc.now(), r.fingerprint(), Bytes.of(r.armoredKey())));
        var old = r.revoke() == null ? null : state.accountKeys().get(r.revoke());
        if (old != null && !old.revoked()) events.add(new KeyEvent.AccountKeyRevoked(m.nextDot(state, 1), hlc.now(), r.revoke()));
        LOG.info("rotated the account key to {} (revoked {})", r.fingerprint(), r.revoke());
        return m.Effect().persist(events);
    }

    /**
     * Whether a retired device's folder may go: once its last activity (as this state has it) is more
     * than {@code expireAfter} plus one {@code announceEvery} ago. Until then a sibling that has been
     * away since before the device's last activity, and is not expired itself, may come back and must
     * still find what the device uploaded - above all a {@code DevicePaired} of a device paired since,
     * which the returning sibling trusts only from a device it knows (docs/PROTOCOL.md, "Removal and
     * expiry"). {@code announceEvery}: the state's last activity may lag the device's last upload by one.
     */
    boolean folderExpired(long now, DeviceRecord rec) {
        return pastFolderTime(now, rec.lastActive());
    }

    /** Whether a device last active at {@code lastActive} has been silent for more than {@code expireAfter} plus one {@code announceEvery}. */
    private boolean pastFolderTime(long now, long lastActive) {
        return lastActive == PeerState.NEVER || now - lastActive > env.timing().expireAfter().toMillis() + env.timing().announceEvery().toMillis();
    }

    /**
     * What a clean-up does, in this order: appends {@code publish} and {@code renew} (in place of
     * this device's notice naming the same device), and makes {@code roll} (when present) this device's only roll, signed by
     * this device and by the account keys {@code signers} gives (asked on the blocking dispatcher, only when there is a
     * notice or roll to write); deletes each {@code purge}d
     * device's announcements and, for those in {@code folders}, its folder; deletes the notices
     * with the UIDs {@code forget}, and the {@code impostors} (UIDs of messages in this device's name
     * that it did not write; {@link AnnouncementFolder#deleteImpostors}). Every step is idempotent.
     */
    private record CleanUp(List<RetireNotice> publish, List<RetireNotice> renew, Optional<RetireRoll> roll, Set<String> purge,
                           Set<String> folders, List<Long> forget, List<Long> impostors, java.util.function.Supplier<List<OpenPGPKey>> signers) {
        boolean isEmpty() {
            return publish.isEmpty() && renew.isEmpty() && roll.isEmpty() && purge.isEmpty() && forget.isEmpty() && impostors.isEmpty();
        }

        boolean writes() {
            return !publish.isEmpty() || !renew.isEmpty() || roll.isPresent();
        }

        /** The devices it is about, for a log line: those whose notices it writes and whose traces it purges. */
        Set<String> named() {
            Set<String> out = new java.util.TreeSet<>(purge);
            for (RetireNotice n : publish) out.add(n.deviceId());
            for (RetireNotice n : renew) out.add(n.deviceId());
            return out;
        }
    }

    /**
     * Blocking: carries out {@code tidy}, and deletes this device's own announcement when it is
     * leaving. Replies {@code deviceId} to {@code replyTo} (when not null) after trying, and once
     * this device's journal is on the server (at most {@code replyWait} later, {@link #REPLY_UPLOAD_WAIT} or what a
     * leave left of it: an offline device removes and leaves too).
     */
    private void cleanUp(CleanUp tidy, boolean leaving, ActorRef<StatusReply<String>> replyTo, String deviceId, java.time.Duration replyWait) {
        // the reply waits (no thread does) for DeviceRetired on the server too: a remover that vanished
        // right after answering would otherwise take the retirement with it, its notice no longer
        // trusted by a sibling that retired the remover in turn (seen in the simulator)
        var uploaded = replyTo == null ? java.util.concurrent.CompletableFuture.completedFuture(true)
                : m.uploadedWithin(replyWait);
        m.runBlocking(() -> {
            synchronized (cleaning) {
                AnnouncementFolder f = m.announcements();
                try {
                    // the account keys are parsed here, on the blocking dispatcher, and only when a notice is written
                    List<OpenPGPKey> signers = tidy.writes() ? tidy.signers().get() : List.of();
                    for (RetireNotice n : tidy.publish()) f.publishNotice(n, m.privateKey(), signers, clock);
                    for (RetireNotice n : tidy.renew()) f.renewNotice(n, m.privateKey(), signers, clock);
                    if (tidy.roll().isPresent()) f.replaceRoll(tidy.roll().get(), m.privateKey(), signers, clock);
                    if (!tidy.impostors().isEmpty()) f.deleteImpostors(tidy.impostors(), m.privateKey().toCertificate());
                } catch (dev.kinbox.crypto.CryptoException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
                for (String d : tidy.purge()) f.purge(d, tidy.folders().contains(d));
                f.forgetNotices(tidy.forget());
                if (leaving) f.removeAll(settings.deviceId());
                return Boolean.TRUE;
            }
        }, (v, e) -> {
            if (e != null) LOG.warn("clean-up about {} ({} impostor(s) in this device's name) failed (the periodic check retries it): {}",
                    tidy.named(), tidy.impostors().size(), e.toString());
            if (replyTo != null) uploaded.whenComplete((ok, t) -> replyTo.tell(StatusReply.success(deviceId)));
            return Muaa.Noop.INSTANCE;
        });
    }

    private static String folder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
