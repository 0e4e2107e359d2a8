package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.KeyEvent;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.HybridClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Muaa.Start}: bootstrap of the first device, announcement of a later one, the check for a
 * retirement notice and the refresh of a paired device's announcement (docs/PROTOCOL.md, "Announcements and bootstrap"). The command
 * handlers of the MUAA for its start, on the actor's thread; folder I/O runs blocking via
 * {@link Muaa#runBlocking}.
 */
final class Bootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    private final Muaa m;
    private final Muaa.Settings settings;
    private final Clock clock;
    private final HybridClock hlc;
    private final Environment env;

    Bootstrap(Muaa m) {
        this.m = m;
        this.settings = m.settings;
        this.clock = m.clock;
        this.hlc = m.hlc;
        this.env = m.env;
    }

    Effect<Object, AccountState> start(AccountState state, Muaa.Start c) {
        if (env == null) return m.Effect().reply(c.replyTo(), StatusReply.error("this MUAA was created without an Environment"));
        if (c.name() == null || c.name().isBlank() || c.name().length() > 100) {
            return m.Effect().reply(c.replyTo(), StatusReply.error("device name must be 1-100 characters"));
        }
        String self = settings.deviceId();
        Optional<String> gone = m.liveness.retired(state);
        if (gone.isPresent()) return m.Effect().reply(c.replyTo(), StatusReply.success(new StartOutcome.Retired(self, gone.get())));
        DeviceRecord rec = state.devices().get(self);
        if (rec != null && rec.status() == DeviceStatus.PAIRED) {
            // first look for a notice that we were retired while away (we cannot read the journal that says so)
            Map<String, byte[]> trusted = m.liveness.trusted(state);
            m.runBlocking(() -> new Muaa.StartChecked(c, m.announcements().readAll(trusted, Map.of(), m.liveness.accountCertificates(state)), null),
                    (v, e) -> e != null ? new Muaa.StartChecked(c, null, e) : v);
            return m.Effect().none();
        }
        m.runBlocking(() -> {
            // a read, safe to repeat: a first start rides out a server restart instead of failing
            Map<String, Announcement> others = new HashMap<>(dev.kinbox.journal.mail.Retries.afterLostConnections(attempt -> m.announcements().read()));
            others.remove(self);
            if (!others.isEmpty()) return new Muaa.Discovered(c, others, null, List.of(), null);
            List<String> unannounced = new ArrayList<>(unannouncedFolders());
            unannounced.remove(self);
            try {
                OpenPGPKey key = c.setupMessage().isPresent()
                        ? env.crypto().setupMessages().importMessage(c.setupMessage().get().mail(), c.setupMessage().get().setupCode()).key()
                        : env.crypto().generateKey("<" + settings.accountId() + ">");
                return new Muaa.Discovered(c, Map.of(), key, unannounced, null);
            } catch (CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (d, e) -> e != null ? new Muaa.Discovered(c, Map.of(), null, List.of(), e) : d);
        return m.Effect().none();
    }

    /** The device folders in the account, for the user's warning; none when the server does not list them (a hint, not a reason to fail). */
    private List<String> unannouncedFolders() {
        try {
            return dev.kinbox.journal.mail.Retries.afterLostConnections(attempt -> m.announcements().deviceFolders());
        } catch (RuntimeException e) {
            LOG.info("cannot list the account's device folders: {}", e.toString());
            return List.of();
        }
    }

    /** A paired device's start, after reading the notices: retired, or running (refreshed when due). */
    Effect<Object, AccountState> startChecked(AccountState state, Muaa.StartChecked sc) {
        Muaa.Start c = sc.start();
        String self = settings.deviceId();
        if (sc.failure() != null) LOG.info("starting without the announcements folder: {}", sc.failure().toString());
        else {
            m.liveness.learn(state, sc.contents());
            m.liveness.readNoNotice(state);
        }
        Optional<String> gone = m.liveness.retired(state);
        if (gone.isPresent()) return m.Effect().reply(c.replyTo(), StatusReply.success(new StartOutcome.Retired(self, gone.get())));
        DeviceRecord rec = state.devices().get(self);
        if (rec == null || rec.status() != DeviceStatus.PAIRED) return start(state, c);
        StartOutcome running = new StartOutcome.Running(self, env.keyring().siblings().size());
        if (clock.millis() - rec.lastActive() < env.timing().announceEvery().toMillis()) {
            return m.Effect().reply(c.replyTo(), StatusReply.success(running));
        }
        long now = clock.millis();
        long before = rec.lastActive();
        return m.Effect().persist((Object) new DeviceEvent.DeviceSeenActive(m.nextDot(state), hlc.now(), self, now))
                .thenRun(s -> {
                    m.liveness.refreshed(before, now);
                    publish(c.name(), now, c.replyTo(), running);
                });
    }

    Effect<Object, AccountState> discovered(AccountState state, Muaa.Discovered d) {
        Muaa.Start c = d.start();
        if (d.failure() != null) return m.Effect().reply(c.replyTo(), StatusReply.error("start failed: " + d.failure().getMessage()));
        String self = settings.deviceId();
        long now = clock.millis();
        List<Object> events = new ArrayList<>();
        if (!state.devices().containsKey(self)) {
            events.add(new DeviceEvent.DeviceAnnounced(m.nextDot(state, events.size()), hlc.now(), self,
                    Bytes.of(Announcement.encode(env.keyring().deviceKey())), c.name()));
        }
        StartOutcome outcome;
        if (d.newAccountKey() != null) {
            String fp = Crypto.fingerprint(d.newAccountKey());
            try {
                events.add(new KeyEvent.AccountKeyCreated(m.nextDot(state, events.size()), hlc.now(), fp,
                        Bytes.of(Crypto.armor(d.newAccountKey()).getBytes(StandardCharsets.US_ASCII))));
            } catch (CryptoException e) {
                return m.Effect().reply(c.replyTo(), StatusReply.error("account key cannot be stored: " + e.getMessage()));
            }
            events.add(new DeviceEvent.DevicePaired(m.nextDot(state, events.size()), hlc.now(), self, self));
            outcome = new StartOutcome.Bootstrapped(self, fp, d.unannounced());
            if (!d.unannounced().isEmpty()) {
                LOG.warn("no other device has a valid announcement, yet the account holds the folders of {}: they left or were retired "
                        + "recently, or the provider hides them; if the user has another device here, pair this one with it", d.unannounced());
            }
        } else {
            outcome = new StartOutcome.AwaitingPairing(self, new ArrayList<>(d.others().values()));
        }
        events.add(new DeviceEvent.DeviceSeenActive(m.nextDot(state, events.size()), hlc.now(), self, now));
        return m.Effect().persist(events).thenRun(s -> {
            m.reconcile(s);
            publish(c.name(), now, c.replyTo(), outcome);
        });
    }

    /** Appends our announcement (replacing older ones), then replies {@code outcome} (when {@code replyTo} is not null). */
    void publish(String name, long activeAt, ActorRef<StatusReply<StartOutcome>> replyTo, StartOutcome outcome) {
        Announcement a = Announcement.of(env.keyring().deviceKey(), name, activeAt);
        m.runBlocking(() -> {
            try {
                m.announcements().publish(a, m.privateKey(), clock);
                m.pairing.watchDrops(); // started: from now on drops for us come into our folder
                return outcome;
            } catch (CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (o, e) -> {
            if (replyTo != null) return new Muaa.Replied(replyTo, o, e);
            if (e != null) LOG.warn("cannot refresh the announcement: {}", e.toString());
            return Muaa.Noop.INSTANCE;
        });
    }
}
