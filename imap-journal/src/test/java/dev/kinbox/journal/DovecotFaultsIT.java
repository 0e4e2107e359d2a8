package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults against a real Dovecot, each checked with "no acknowledged event lost, none duplicated, none
 * forged emitted": Dovecot stopped and restarted during a write burst, every connection kicked during
 * a burst, and the writing JVM killed (SIGKILL) during upload and restarted on its LevelDB log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotFaultsIT {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    DovecotServer server;
    LocalImapServer.Account account;

    @BeforeAll void start() throws IOException {
        boolean ok = DovecotServer.isInstalled();
        if (!ok) System.err.println("skipped: dovecot not installed");
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "skipped: dovecot not installed");
        server = DovecotServer.start(new SecureRandom());
        account = server.addUser("faults");
    }

    @AfterAll void stop() {
        if (server != null) server.close();
    }

    ImapMailStore store() {
        return ImapMailStore.connect(server.settings(account).withReconnectBackoffMax(Duration.ofMillis(300))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(4)));
    }

    /**
     * Dovecot's imap processes outlive {@code doveadm stop} in this fixture (established connections
     * keep working for seconds), so the device talks to Dovecot through a {@link CutProxy} that cuts
     * its connections when Dovecot is stopped, as a real restart would.
     */
    @Test void dovecotStoppedAndRestartedDuringBurst_nothingLostOrDuplicated() throws Exception {
        String pid = "sma|acct|" + A.id();
        try (CutProxy proxy = new CutProxy(server.port());
             ImapMailStore sa = ImapMailStore.connect(dev.kinbox.journal.mail.ImapSettings.of("127.0.0.1", proxy.port(), account.user(),
                     account.password()).withReconnectBackoffMax(Duration.ofMillis(300))
                     .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(4)));
             ImapMailStore sb = store()) {
            ActorSystem a = JournalFixture.system(sa, JournalFixture.keyring(A, B), new InMemoryLocalLog());
            ActorSystem b = JournalFixture.system(sb, JournalFixture.keyring(B, A), new InMemoryLocalLog());
            try {
                Journals.write(a, pid, 1, 60, 3);
                stopDovecot();
                proxy.down();
                long t0 = System.nanoTime();
                Journals.write(a, pid, 61, 120, 3);
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "writes go on while the server is down");
                assertTrue(!KinboxJournalRuntime.get(a).awaitUploaded(pid, Duration.ofMillis(1000)), "nothing confirmed while down");
                startDovecot();
                proxy.up();
                Journals.write(a, pid, 121, 150, 3);
                Checks.noLossNoDuplicateNoForgery(a, b, pid, 150);
                assertTrue(KinboxJournalRuntime.get(a).stats().uploadFailures.sum() > 0, "uploads failed while dovecot was down");
            } finally {
                TestKit.shutdownActorSystem(a);
                TestKit.shutdownActorSystem(b);
            }
        }
    }

    @Test void connectionsKickedDuringBurst_nothingLostOrDuplicated() throws Exception {
        String pid = "entity-kicked";
        try (ImapMailStore sa = store(); ImapMailStore sb = store()) {
            ActorSystem a = JournalFixture.system(sa, JournalFixture.keyring(A, B), new InMemoryLocalLog());
            ActorSystem b = JournalFixture.system(sb, JournalFixture.keyring(B, A), new InMemoryLocalLog());
            try {
                int kicks = 0;
                for (int round = 0; round < 5; round++) {
                    Journals.write(a, pid, round * 20L + 1, round * 20L + 20, 2);
                    Thread.sleep(5);
                    try {
                        server.kick(account.user());
                        kicks++;
                    } catch (IOException e) {
                        // "no users kicked": no connection was open at that instant
                    }
                }
                assertTrue(kicks > 0, "at least one kick hit open connections");
                Checks.noLossNoDuplicateNoForgery(a, b, pid, 100);
            } finally {
                TestKit.shutdownActorSystem(a);
                TestKit.shutdownActorSystem(b);
            }
        }
    }

    @Test void writerKilledDuringUpload_restartUploadsBacklogExactlyOnce() throws Exception {
        String pid = "victim-" + A.id();
        Path dir = Files.createTempDirectory("kinbox-victim-");
        Path key = dir.resolve("device.asc");
        Files.writeString(key, dev.kinbox.crypto.Crypto.armor(A.key()));
        Path sibling = dir.resolve("sibling.asc");
        Files.writeString(sibling, dev.kinbox.crypto.Crypto.armor(B.key().toCertificate()));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dkinbox.runtime.store=imap://" + account.user() + "@127.0.0.1:" + server.port(),
                "-Dkinbox.runtime.local-dir=" + dir.resolve("log"),
                "-Dkinbox.runtime.device-key-file=" + key,
                "-Dkinbox.runtime.device-id=" + A.id(),
                "-Dkinbox.runtime.upload.max-events-per-message=1",
                "-Dkinbox.runtime.siblings.0.device-id=" + B.id(),
                "-Dkinbox.runtime.siblings.0.certificate-file=" + sibling,
                UploadVictim.class.getName(), pid, "400"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KINBOX_IMAP_PASSWORD", reveal(account.password()));
        Process p = pb.start();
        long acked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String line;
            while (acked < 150 && System.nanoTime() < deadline && (line = r.readLine()) != null) {
                if (line.startsWith("acked ")) acked = Long.parseLong(line.substring(6));
            }
        } finally {
            p.destroyForcibly(); // SIGKILL mid-upload
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(acked >= 150, "the victim acknowledged " + acked);
        try (ImapMailStore sa = store(); ImapMailStore sb = store();
             LevelDbLocalLog log = LevelDbLocalLog.open(dir.resolve("log"), LevelDbLocalLog.Settings.DEFAULT)) {
            long written = log.highestSequenceNr(pid);
            long confirmed = log.cursor(Cursors.upload(pid)).map(c -> c.lastSequenceNr()).orElse(0L);
            System.err.println("victim killed: " + written + " events local, " + confirmed + " confirmed on the server");
            assertTrue(written >= acked, "every acknowledged event is in the local log: " + written + " >= " + acked);
            ActorSystem a = JournalFixture.system(sa, JournalFixture.keyring(A, B), log);
            ActorSystem b = JournalFixture.system(sb, JournalFixture.keyring(B, A), new InMemoryLocalLog());
            try {
                Journals.replay(a, pid); // recovery kicks the uploader
                Checks.noLossNoDuplicateNoForgery(a, b, pid, written);
            } finally {
                TestKit.shutdownActorSystem(a);
                TestKit.shutdownActorSystem(b);
            }
        }
    }

    /** The fixture's generated password, for the child's environment (Secret keeps it package-private). */
    private static String reveal(dev.kinbox.journal.mail.Secret secret) throws ReflectiveOperationException {
        java.lang.reflect.Method m = secret.getClass().getDeclaredMethod("reveal");
        m.setAccessible(true);
        return (String) m.invoke(secret);
    }

    private void stopDovecot() throws Exception {
        Path conf = server.directory().resolve("dovecot.conf");
        Process p = new ProcessBuilder("doveadm", "-c", conf.toString(), "stop").redirectErrorStream(true).start();
        p.waitFor(15, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && listening()) Thread.sleep(50);
        assertTrue(!listening(), "dovecot stopped");
    }

    private void startDovecot() throws Exception {
        Path conf = server.directory().resolve("dovecot.conf");
        Process p = new ProcessBuilder(Optional.ofNullable(System.getenv("DOVECOT")).orElse("/usr/sbin/dovecot"), "-c", conf.toString())
                .redirectErrorStream(true).start();
        p.waitFor(15, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && !listening()) Thread.sleep(50);
        assertTrue(listening(), "dovecot restarted");
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
