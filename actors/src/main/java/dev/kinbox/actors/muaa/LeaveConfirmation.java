package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device that left waits until a paired sibling shows it read the leave ({@link Muaa.AwaitLeaveRead};
 * docs/PROTOCOL.md, "Removal and expiry", the leave's wait): a trusted roll of that sibling lists this
 * device. Until then it looks every {@link #LOOK_EVERY}: its journal's audit uploads again what the
 * server lost of its folder (its {@code DeviceRetired} among it), and its notice {@code left} goes in
 * when it is not there - gone, or held back as the uploads were not through in time ({@code Liveness.remove}). Without the wait a provider that withheld both right after the leave kept every
 * sibling from learning it before the leaver's expiry. Once one sibling has it, that sibling's checks
 * write the notice again whenever it is gone, so the rest learn it too. Used on the actor's thread only.
 */
final class LeaveConfirmation {
    private static final Logger LOG = LoggerFactory.getLogger(LeaveConfirmation.class);
    /** How often a waiting leaver reads {@code _Autocrypt_SMA}. */
    static final Duration LOOK_EVERY = Duration.ofSeconds(1);
    private static final String TIMER = "leave-read";
    private final Muaa m;
    private final Liveness liveness;
    private ActorRef<StatusReply<Boolean>> waiting;
    private long deadline;
    private boolean looking;

    LeaveConfirmation(Muaa m, Liveness liveness) {
        this.m = m;
        this.liveness = liveness;
    }

    Effect<Object, AccountState> await(AccountState state, Muaa.AwaitLeaveRead c) {
        String self = m.settings.deviceId();
        DeviceRecord me = state.devices().get(self);
        if (m.env == null || me == null || me.status() != DeviceStatus.RETIRED) {
            return m.Effect().reply(c.replyTo(), StatusReply.error("this device has not left the account"));
        }
        if (waiting != null) waiting.tell(StatusReply.success(false)); // a newer ask takes over
        waiting = c.replyTo();
        deadline = System.nanoTime() + c.timeout().toNanos();
        look(state);
        return m.Effect().none();
    }

    Effect<Object, AccountState> look(AccountState state, Muaa.LeaveLook c) {
        if (waiting != null) look(state);
        return m.Effect().none();
    }

    private void look(AccountState state) {
        if (looking) return;
        looking = true;
        String self = m.settings.deviceId();
        m.journal().auditOwnFolder(m.persistenceId().id()); // what the server lost of the leave goes up again
        Map<String, byte[]> trusted = liveness.trusted(state);
        Map<String, byte[]> retired = liveness.retiredAuthors(state); // this device among them: its own notice is read there
        var accountCertificates = liveness.accountCertificates(state);
        // the notice only once the retirement is on the server, and so all this device wrote (see Liveness.remove)
        boolean retirementUp = liveness.uploadedNow();
        m.runBlocking(() -> {
            AnnouncementFolder f = m.announcements();
            AnnouncementFolder.Contents read = f.readAll(trusted, retired, accountCertificates);
            String by = readBy(self, read.rolls());
            if (by == null && !Liveness.leftByItself(self, read.byRetired()) && retirementUp) {
                try {
                    List<OpenPGPKey> signers = liveness.accountSigners(state);
                    f.publishNotice(new RetireNotice(self, self, m.clock.millis(), RetireNotice.Reason.LEFT), m.privateKey(), signers, m.clock);
                    LOG.warn("this device's notice that it left is not on the server; appended it");
                } catch (CryptoException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }
            return new Muaa.LeaveLooked(by, null);
        }, (v, e) -> e != null ? new Muaa.LeaveLooked(null, e) : v);
    }

    Effect<Object, AccountState> looked(AccountState state, Muaa.LeaveLooked c) {
        looking = false;
        if (waiting == null) return m.Effect().none();
        if (c.failure() != null) LOG.info("looking for a sibling that read this device's leave failed (tried again): {}", c.failure().toString());
        if (c.readBy() != null) {
            LOG.info("sibling {} read this device's leave", c.readBy());
            answer(true);
        } else if (System.nanoTime() - deadline >= 0) {
            LOG.info("no sibling showed it read this device's leave in time: they learn it from its journal or notice when they read them,"
                    + " else once it has been silent past the expiry");
            answer(false);
        } else {
            m.timers.startSingleTimer(TIMER, Muaa.LeaveLook.INSTANCE, LOOK_EVERY);
        }
        return m.Effect().none();
    }

    private void answer(boolean read) {
        waiting.tell(StatusReply.success(read));
        waiting = null;
        m.timers.cancel(TIMER);
    }

    /** The sibling whose roll lists {@code self}, or null. */
    static String readBy(String self, List<RetireRoll> rolls) {
        for (RetireRoll r : rolls) if (!r.by().equals(self) && r.retired().contains(self)) return r.by();
        return null;
    }
}
