package dev.kinbox.cli.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinbox.cli.Main;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole CLI against GreenMail SMTP+IMAP in this JVM: subscribe through the admin subcommand, serve
 * the list with {@code run}, post, the subscriber receives the copy; stop as SIGTERM would; then
 * unsubscribe and the roster shows it.
 */
class RemailerCliIT {
    static final String ALICE = "alice@example.test";

    @Test
    void subscribeRunPost_subscriberReceivesThePost_thenUnsubscribeShowsInTheRoster(@TempDir Path dir) throws Exception {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        GreenMail mail = new GreenMail(new ServerSetup[] {smtp, imap});
        mail.start();
        try {
            mail.setUser(ListFiles.LIST, "friends", "list-pw-1");
            mail.setUser(ALICE, "alice", "pw");
            ListFiles f = new ListFiles(dir, mail.getImap().getPort(), mail.getSmtp().getPort());
            String conf = f.conf.toString();

            RemailerConfigTest.Run sub = RemailerConfigTest.cli("remailer", "subscribe", "--config", conf, ALICE);
            assertEquals(0, sub.exit(), sub.err());
            assertEquals("subscribed " + ALICE, sub.out().strip());
            RemailerConfigTest.Run again = RemailerConfigTest.cli("remailer", "subscribe", "--config", conf, ALICE);
            assertEquals(ALICE + " is already subscribed", again.out().strip(), again.err());

            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run("remailer", "run", "--config", conf));
            post(mail.getSmtp().getPort(), "hello list", "first post");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            MimeMessage[] got = mail.getReceivedMessages();
            while (copies(got) < 1 && System.nanoTime() < end && !run.isDone()) {
                Thread.sleep(100);
                got = mail.getReceivedMessages();
            }
            assertEquals(1, copies(got), "alice received the list's copy");
            MimeMessage copy = firstCopy(got);
            assertEquals("hello list", copy.getSubject());
            assertEquals("<friends.kinbox.test>", copy.getHeader("List-Id", null));

            RunCommand.stopAll();
            assertEquals(0, run.get(60, TimeUnit.SECONDS), "run stops cleanly");

            RemailerConfigTest.Run unsub = RemailerConfigTest.cli("remailer", "unsubscribe", "--config", conf, ALICE);
            assertEquals(0, unsub.exit(), unsub.err());
            RemailerConfigTest.Run roster = RemailerConfigTest.cli("remailer", "roster", "--config", conf);
            assertEquals(0, roster.exit(), roster.err());
            String line = roster.out().lines().filter(l -> l.startsWith(ALICE)).findFirst().orElseThrow(() -> new AssertionError(roster.out()));
            assertTrue(line.matches(java.util.regex.Pattern.quote(ALICE) + "\\s+unsubscribed\\s+-\\s+no"), line);
            assertTrue(roster.out().contains("0/0 subscribers with keys"), roster.out());
        } finally {
            RunCommand.stopAll();
            mail.stop();
        }
    }

    private static int copies(MimeMessage[] ms) throws Exception {
        int n = 0;
        for (MimeMessage m : ms) if (m.getHeader("List-Id") != null) n++;
        return n;
    }

    private static MimeMessage firstCopy(MimeMessage[] ms) throws Exception {
        for (MimeMessage m : ms) if (m.getHeader("List-Id") != null) return m;
        throw new AssertionError("no copy");
    }

    private static void post(int smtpPort, String subject, String body) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(smtpPort));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        Session s = Session.getInstance(p);
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress(ALICE));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(ListFiles.LIST));
        m.setSubject(subject);
        m.setText(body);
        m.saveChanges();
        Transport.send(m);
    }
}
