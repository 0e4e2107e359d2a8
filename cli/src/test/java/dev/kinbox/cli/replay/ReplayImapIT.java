package dev.kinbox.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinbox.actors.embed.Kinbox;
import dev.kinbox.actors.embed.KinboxConfig;
import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kinbox replay --imap} on embedded GreenMail: the folder of a device that bootstrapped the account and edited it. */
class ReplayImapIT {
    private static final String ACCOUNT = "erin@example.org";
    private static final Map<String, String> ENV = Map.of("KINBOX_IMAP_PASSWORD", "erin-pw");

    @TempDir Path tmp;

    private record Ran(int code, String out, String err) {
        List<String> timeline() { return out.lines().filter(l -> l.startsWith("#")).toList(); }
    }

    private static Ran replay(String... args) {
        ReplayCommand cmd = new ReplayCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        cmd.env = ENV;
        CommandLine cl = new CommandLine(cmd);
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void replayImap_printsTheTimelineAndStateOfTheDevicesFolder_andRefusesWhatItCannotOpen() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        mail.start();
        try {
            mail.setUser(ACCOUNT, "erin", "erin-pw");
            String url = "imap://erin@127.0.0.1:" + mail.getImap().getPort();
            Path laptop = tmp.resolve("laptop");
            String id;
            try (ImapMailStore store = ImapMailStore.connect(MailStores.parseUrl(url, ENV));
                 KinboxDevice d = Kinbox.start(KinboxConfig.of(ACCOUNT, laptop, store).withDeviceName("Laptop")).toCompletableFuture().get(120, TimeUnit.SECONDS)) {
                id = d.deviceId();
                d.changeSetting("signature", "Erin").toCompletableFuture().get(30, TimeUnit.SECONDS);
                d.createContact("bob").toCompletableFuture().get(30, TimeUnit.SECONDS);
                d.editContact("bob", "name", "Bob B.").toCompletableFuture().get(30, TimeUnit.SECONDS);
            } // closing uploads what is left (bounded)

            Ran r = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) { // the device uploads again when started, if closing did not finish
                r = replay("--imap", url, "--account", ACCOUNT, "--state", laptop.toString());
                if (r.code() != 0 || r.out().contains("ContactFieldChanged")) break;
                Thread.sleep(500);
            }
            assertEquals(0, r.code(), r.out() + r.err());
            System.out.println("kinbox replay --imap:\n" + r.out());
            assertTrue(r.out().contains("account read by device " + id), r.out());
            assertTrue(r.out().contains("  " + id + "  Laptop  PAIRED  (this device)"), r.out());
            List<String> t = r.timeline();
            assertTrue(t.stream().anyMatch(l -> l.matches("#\\d+ +\\S+Z\\S* +own +" + id + ":\\d+ +SettingChanged key=signature value=Erin")), r.out());
            assertTrue(t.stream().anyMatch(l -> l.contains("ContactFieldChanged contactId=bob field=name value=Bob B.")), r.out());
            assertTrue(r.out().contains("  setting signature = Erin (at "), r.out());
            assertTrue(r.out().contains("  contact bob name = Bob B. (at "), r.out());

            // the folder was compacted: it starts with the device's snapshot, then the entries after it
            String second = t.get(1).substring(1, t.get(1).indexOf(' '));
            Ran upTo = replay("--imap", url, "--account", ACCOUNT, "--state", laptop.toString(), "--device", id.substring(0, 6), "--until", second);
            assertEquals(0, upTo.code(), upTo.out() + upTo.err());
            assertEquals(t.subList(0, 2), upTo.timeline());
            assertTrue(upTo.out().contains("replayed up to #" + second), upTo.out());

            Ran equal = replay("--imap", url, "--account", ACCOUNT, "--state", laptop.toString(), "--diff", id, id);
            assertEquals(0, equal.code(), equal.out() + equal.err());
            assertTrue(equal.out().startsWith("equal (digest "), equal.out());

            Ran noDevice = replay("--imap", url, "--account", ACCOUNT, "--state", tmp.resolve("empty").toString());
            assertEquals(ReplayCommand.BAD_INPUT, noDevice.code(), noDevice.out() + noDevice.err());
            assertTrue(noDevice.err().startsWith("replay: no device in "), noDevice.err());
            assertTrue(Files.notExists(tmp.resolve("empty")), "a refused replay created a device");

            Ran unknown = replay("--imap", url, "--account", ACCOUNT, "--state", laptop.toString(), "--device", "ffffffff");
            assertEquals(ReplayCommand.BAD_INPUT, unknown.code(), unknown.out() + unknown.err());
            assertTrue(unknown.err().startsWith("replay: no device ffffffff in the account"), unknown.err());

            assertEquals(2, replay("--imap", url, "--verify").code(), "--verify needs a trace");
        } finally {
            mail.stop();
        }
    }
}
