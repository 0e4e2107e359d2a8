package dev.kinbox.actors.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.actors.mail.OutgoingDecision;
import dev.kinbox.actors.mail.OutgoingPolicy;
import dev.kinbox.actors.muaa.Environment;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.actors.muaa.PairingOutcome;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.DeviceStatus;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API as an application uses it: two devices of one account hosted in the
 * application's one ActorSystem over one mailbox, each with its own state directory (device key and
 * LevelDB log on disk): bootstrap, pairing by short code through the approver callback, edits and
 * incoming mail reaching the sibling, the change listener, outgoing mail, restart with the same
 * identity, and clear errors for bad input.
 */
class KinboxEmbeddingTest {
    private static final String ACCOUNT = "dana@example.org";
    private static final Environment.Timing FAST = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(20),
            Duration.ofDays(30), Duration.ofDays(1));
    @TempDir Path tmp;
    MemoryMailStore store;
    ActorSystem<Void> app;

    @BeforeEach void start() {
        store = new MemoryMailStore();
        app = ActorSystem.create(Behaviors.empty(), "mail-client", ConfigFactory.parseString(
                "pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\nkinbox.query.sweep-interval = 300ms").withFallback(ConfigFactory.load()));
    }

    @AfterEach void stop() throws Exception {
        app.terminate();
        app.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A user at the existing device who reads the code aloud (the test hands it over). */
    static final class ReadAloud implements PairingApprover {
        final BlockingQueue<String> codes = new LinkedBlockingQueue<>();

        @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
            codes.add(code);
            return CompletableFuture.completedFuture(true);
        }
    }

    KinboxConfig config(String dir, String name, PairingApprover approver) {
        return KinboxConfig.of(ACCOUNT, tmp.resolve(dir), store).withDeviceName(name).withApprover(approver).withTiming(FAST);
    }

    @Test void twoDevicesInTheApplicationsSystem_pairByCode_andShareEditsMailAndKeyring() throws Exception {
        ReadAloud laptopUser = new ReadAloud();
        KinboxDevice laptop = await(Kinbox.start(config("laptop", "Laptop", laptopUser), app));
        assertInstanceOf(StartOutcome.Bootstrapped.class, laptop.startOutcome());
        KinboxDevice phone = await(Kinbox.start(config("phone", "Phone", PairingApprover.refuseAll()), app));
        StartOutcome.AwaitingPairing waiting = assertInstanceOf(StartOutcome.AwaitingPairing.class, phone.startOutcome());
        assertTrue(waiting.others().stream().anyMatch(a -> a.deviceId().equals(laptop.deviceId())), "the phone sees the laptop's announcement");

        pairByCode(laptop, laptopUser, phone);

        BlockingQueue<AccountState> seenOnPhone = new LinkedBlockingQueue<>();
        AutoCloseable listening = await(phone.addListener(seenOnPhone::add));
        await(laptop.changeSetting("signature", "-- sent from my laptop"));
        await(laptop.receive(mailFromBob(), Instant.parse("2026-12-01T10:00:00Z")));
        AccountState phoneState = awaitState(seenOnPhone, s -> s.settings().get("signature") != null && s.peers().containsKey("bob@example.org"));
        assertEquals("-- sent from my laptop", phoneState.settings().get("signature").value());
        assertEquals(await(laptop.keyring()).keySet(), await(phone.keyring()).keySet(), "one keyring on both devices");
        listening.close();

        OutgoingDecision d = await(phone.prepareOutgoing(draft(ACCOUNT, "bob@example.org"),
                new OutgoingPolicy(OutgoingPolicy.Choice.ENCRYPT, false)));
        assertTrue(d.encrypted(), "Bob's key is known on the phone, so the user's request to encrypt is met: " + d.reason());
        var decrypted = await(laptop.decrypt(bytes(d.message())));
        assertTrue(new String(decrypted.entity(), StandardCharsets.UTF_8).contains("hi"), "the laptop reads what the phone sent (one account key)");

        String phoneId = phone.deviceId();
        phone.close();
        KinboxDevice again = await(Kinbox.start(config("phone", "Phone", PairingApprover.refuseAll()), app));
        try {
            assertEquals(phoneId, again.deviceId(), "the state directory keeps the device's identity");
            assertInstanceOf(StartOutcome.Running.class, again.startOutcome());
            assertEquals("-- sent from my laptop", await(again.state()).settings().get("signature").value());
        } finally {
            again.close();
            laptop.close();
        }
    }

    @Test void catchUp_isFalse_whenTheServerFailsToServeASiblingsFolder() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> unreadable = new java.util.concurrent.atomic.AtomicReference<>();
        dev.kinbox.journal.mail.MailStore refusing = new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public dev.kinbox.journal.mail.FolderStatus status(String folder) {
                if (folder.equals(unreadable.get())) {
                    throw new dev.kinbox.journal.mail.MailStoreException.CommandRefused("server said NO [UNAVAILABLE] (the test)", null);
                }
                return super.status(folder);
            }

            @Override public void close() { } // the test's store
        };
        ReadAloud laptopUser = new ReadAloud();
        KinboxDevice laptop = await(Kinbox.start(KinboxConfig.of(ACCOUNT, tmp.resolve("laptop"), refusing).withDeviceName("Laptop")
                .withApprover(laptopUser).withTiming(FAST), app));
        KinboxDevice phone = await(Kinbox.start(KinboxConfig.of(ACCOUNT, tmp.resolve("phone"), refusing).withDeviceName("Phone")
                .withApprover(PairingApprover.refuseAll()).withTiming(FAST), app));
        try {
            pairByCode(laptop, laptopUser, phone);
            await(laptop.changeSetting("signature", "-- laptop"));
            assertTrue(await(phone.catchUp(Duration.ofSeconds(10))), "caught up while the server serves the laptop's folder");
            unreadable.set(dev.kinbox.journal.sma.SmaFolders.deviceFolder(laptop.deviceId()));
            // before 2026-12-05 the failed read ended as if the folder were empty, and this said true
            assertFalse(await(phone.catchUp(Duration.ofSeconds(10))), "not caught up: the laptop's folder could not be read");
        } finally {
            phone.close();
            laptop.close();
        }
    }

    /** The newcomer asks {@code existing} to pair it; its user reads the code aloud, typed on the newcomer. */
    private static void pairByCode(KinboxDevice existing, ReadAloud existingUser, KinboxDevice newcomer) throws Exception {
        KinboxDevice.PairingSession session = await(newcomer.pair(existing.deviceId(), PairingApprover.PairingMethod.CODE));
        String code = existingUser.codes.poll(30, TimeUnit.SECONDS);
        assertTrue(code != null, "the existing device showed a code");
        await(newcomer.enterPairingCode(session.started().sessionId(), code));
        PairingOutcome.Paired paired = await(session.done());
        assertEquals(existing.deviceId(), paired.otherDeviceId());
    }

    /**
     * The laptop's last edit, sealed to the laptop and the phone only, reaches the server late (the
     * provider delivers it after the laptop was gone for good and the phone paired a tablet). The phone
     * is the only device that can open it and pass it on; it leaves right after the late delivery, and
     * {@code leave} reads the laptop's folder before it closes, so the tablet still gets the edit
     * (a plain {@code close()} here leaves the tablet without it).
     */
    @Test void aDeviceThatLeaves_firstPassesOnWhatOnlyItCanStillRelay() throws Exception {
        ReadAloud laptopUser = new ReadAloud();
        KinboxDevice laptop = await(Kinbox.start(config("laptop", "Laptop", laptopUser), app));
        KinboxDevice phone = await(Kinbox.start(config("phone", "Phone", PairingApprover.refuseAll()), app));
        pairByCode(laptop, laptopUser, phone);
        phone.close(); // the phone reads nothing while the laptop writes

        String laptopFolder = dev.kinbox.journal.sma.SmaFolders.deviceFolder(laptop.deviceId());
        long firstNew = store.status(laptopFolder).uidNext();
        await(laptop.changeSetting("signature", "-- written before the tablet"));
        laptop.close(); // uploads the edit, then the laptop is gone for good
        long next = store.status(laptopFolder).uidNext();
        assertTrue(next > firstNew, "the laptop uploaded its edit");
        List<byte[]> late = store.fetch(laptopFolder, dev.kinbox.journal.mail.UidRange.from(firstNew), dev.kinbox.journal.mail.Fetch.FULL)
                .stream().map(m -> m.raw()).toList();
        for (long uid = firstNew; uid < next; uid++) store.faults().deleteMessage(laptopFolder, uid);

        ReadAloud phoneUser = new ReadAloud();
        KinboxDevice phoneAgain = await(Kinbox.start(config("phone", "Phone", phoneUser), app));
        KinboxDevice tablet = await(Kinbox.start(config("tablet", "Tablet", PairingApprover.refuseAll()), app));
        try {
            pairByCode(phoneAgain, phoneUser, tablet);
            store.faults().latency(Duration.ofMillis(20)); // the phone's live streams read the late entry a little later than at once
            for (byte[] raw : late) store.append(laptopFolder, dev.kinbox.journal.mail.NewMessage.of(raw));
            assertTrue(await(phoneAgain.leave(Duration.ofSeconds(15))), "every sibling's folder read and everything uploaded");
            store.faults().latency(Duration.ZERO);
            BlockingQueue<AccountState> seenOnTablet = new LinkedBlockingQueue<>();
            try (AutoCloseable listening = await(tablet.addListener(seenOnTablet::add))) {
                // and it left the account: the tablet retires it (and so encrypts nothing more to it)
                String phoneId = phoneAgain.deviceId();
                AccountState s = awaitState(seenOnTablet, st -> st.settings().get("signature") != null
                        && st.devices().get(phoneId) != null && st.devices().get(phoneId).status() == DeviceStatus.RETIRED);
                assertEquals("-- written before the tablet", s.settings().get("signature").value(), "relayed by the phone before it left");
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(phoneAgain.leave(Duration.ofSeconds(1))));
            assertInstanceOf(KinboxException.Closed.class, e.getCause());
        } finally {
            tablet.close();
        }
    }

    @Test void aRemovedDevice_learnsWhyFromItsSiblingsNotice_andRefusesEditsFromThenOn() throws Exception {
        // liveness checked every 200 ms instead of hourly: the phone reads the laptop's notice at its next check
        Environment.Timing checking = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(20), Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofMillis(200));
        ReadAloud laptopUser = new ReadAloud();
        KinboxDevice laptop = await(Kinbox.start(config("laptop", "Laptop", laptopUser).withTiming(checking), app));
        KinboxDevice phone = await(Kinbox.start(config("phone", "Phone", PairingApprover.refuseAll()).withTiming(checking), app));
        try {
            pairByCode(laptop, laptopUser, phone);
            assertEquals(Optional.empty(), await(phone.retirement()), "a paired device may work in the account");
            await(laptop.remove(phone.deviceId()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Optional<String> why = Optional.empty();
            while (why.isEmpty() && System.nanoTime() < deadline) {
                why = await(phone.retirement());
                if (why.isEmpty()) Thread.sleep(100);
            }
            assertTrue(why.isPresent() && why.get().contains("removed by device " + laptop.deviceId()), "the phone learnt it: " + why);
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(phone.changeSetting("k", "v")));
            assertInstanceOf(KinboxException.Refused.class, e.getCause());
        } finally {
            phone.close();
            laptop.close();
        }
    }

    @Test void firstDevice_importsTheAccountKeyFromAnAutocryptSetupMessage_aWrongCodeStartsNothing() throws Exception {
        Crypto crypto = Crypto.standard();
        OpenPGPKey existing = crypto.generateKey("<" + ACCOUNT + ">");
        var setup = crypto.setupMessages().create(ACCOUNT, existing, true);
        String wrong = setup.code().substring(0, setup.code().length() - 1) + (setup.code().endsWith("1") ? "2" : "1");
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(Kinbox.start(config("bad", "Laptop", PairingApprover.refuseAll())
                .withSetupMessage(new dev.kinbox.actors.muaa.Muaa.KeyImport(setup.mail(), wrong)), app)));
        assertInstanceOf(KinboxException.Refused.class, e.getCause());
        assertTrue(!store.listFolders().contains("_Autocrypt_SMA"), "the account was not bootstrapped (no announcements folder)");

        KinboxDevice laptop = await(Kinbox.start(config("laptop", "Laptop", PairingApprover.refuseAll())
                .withSetupMessage(new dev.kinbox.actors.muaa.Muaa.KeyImport(setup.mail(), setup.code())), app));
        try {
            StartOutcome.Bootstrapped b = assertInstanceOf(StartOutcome.Bootstrapped.class, laptop.startOutcome());
            assertEquals(Crypto.fingerprint(existing.toCertificate()), b.accountKeyFingerprint(), "the account keeps the key it had");
        } finally {
            laptop.close();
        }
    }

    @Test void pairingNobodyCompletes_timesOut_andLeavesNoTrace() throws Exception {
        Environment.Timing quick = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofDays(30), Duration.ofDays(1));
        ReadAloud laptopUser = new ReadAloud();
        KinboxDevice laptop = await(Kinbox.start(config("laptop", "Laptop", laptopUser).withTiming(quick), app));
        KinboxDevice phone = await(Kinbox.start(config("phone", "Phone", PairingApprover.refuseAll()).withTiming(quick), app));
        try {
            KinboxDevice.PairingSession session = await(phone.pair(laptop.deviceId(), PairingApprover.PairingMethod.CODE));
            assertTrue(laptopUser.codes.poll(30, TimeUnit.SECONDS) != null, "the laptop showed a code nobody typed");
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(session.done()));
            assertInstanceOf(KinboxException.Refused.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
            Thread.sleep(3000); // past the laptop's own timeout too
            var phoneOnLaptop = await(laptop.state()).devices().get(phone.deviceId());
            assertTrue(phoneOnLaptop == null || phoneOnLaptop.status() != dev.kinbox.persistence.crdt.DeviceStatus.PAIRED,
                    "the laptop did not pair the phone");
            assertTrue(await(phone.state()).accountKeys().isEmpty(), "the phone got no account key");
        } finally {
            phone.close();
            laptop.close();
        }
    }

    @Test void badInput_getsClearErrors_andChangesNothing() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> KinboxConfig.of("has space@example.org", tmp, store));
        assertThrows(IllegalArgumentException.class, () -> KinboxConfig.of(ACCOUNT, tmp, store).withSnapshotEvery(0));
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(Kinbox.start(KinboxConfig.of(ACCOUNT, notADir, store), app)));
        assertInstanceOf(KinboxException.StateDirUnusable.class, e.getCause());
        Path badKey = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(badKey.resolve("device-key.asc"), "not a key");
        e = assertThrows(ExecutionException.class, () -> await(Kinbox.start(KinboxConfig.of(ACCOUNT, badKey, store), app)));
        assertInstanceOf(KinboxException.StateDirUnusable.class, e.getCause());
        assertEquals(List.of(), store.listFolders().stream().filter(f -> f.startsWith("_Autocrypt_SMA")).toList(),
                "nothing was written to the account");

        KinboxDevice d = await(Kinbox.start(config("one", "One", PairingApprover.refuseAll()), app));
        e = assertThrows(ExecutionException.class, () -> await(d.receive("garbage".getBytes(StandardCharsets.US_ASCII), Instant.now())));
        assertInstanceOf(KinboxException.Refused.class, e.getCause());
        d.close();
        e = assertThrows(ExecutionException.class, () -> await(d.changeSetting("k", "v")));
        assertInstanceOf(KinboxException.Closed.class, e.getCause());
    }

    private static AccountState awaitState(BlockingQueue<AccountState> seen, java.util.function.Predicate<AccountState> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            AccountState s = seen.poll(100, TimeUnit.MILLISECONDS);
            if (s != null && done.test(s)) return s;
        }
        throw new AssertionError("the listener never saw the expected state");
    }

    private static byte[] mailFromBob() throws Exception {
        Crypto crypto = Crypto.standard();
        OpenPGPKey bob = crypto.generateKey("<bob@example.org>");
        String header = crypto.autocrypt().formatHeader("bob@example.org", bob.toCertificate(), true);
        MimeMessage m = draft("bob@example.org", ACCOUNT);
        m.setHeader("Autocrypt", header);
        return bytes(m);
    }

    private static MimeMessage draft(String from, String to) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(from));
        m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject("hello");
        m.setSentDate(Date.from(Instant.parse("2026-12-01T09:59:00Z")));
        m.setText("hi", "utf-8");
        return m;
    }

    private static byte[] bytes(MimeMessage m) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }
}
