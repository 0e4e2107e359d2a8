package dev.kinbox.actors.remailer;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * GreenMail with SMTP and IMAP on free loopback ports. The shared {@code GreenMailServer} fixture of
 * imap-journal starts IMAP only, so the remailer tests compose their own instance here.
 */
final class MailServers implements AutoCloseable {
    final GreenMail greenMail;

    MailServers() {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        smtp.setServerStartupTimeout(10_000);
        imap.setServerStartupTimeout(10_000);
        greenMail = new GreenMail(new ServerSetup[] {smtp, imap});
        greenMail.start();
    }

    int smtpPort() { return greenMail.getSmtp().getPort(); }

    int imapPort() { return greenMail.getImap().getPort(); }

    void user(String addr, String login, String password) {
        greenMail.setUser(addr, login, password);
    }

    /** Raw bytes of every message in {@code addr}'s INBOX, oldest first. */
    List<byte[]> inbox(String addr) throws Exception {
        GreenMailUser u = greenMail.getUserManager().getUserByEmail(addr);
        if (u == null) return List.of();
        MailFolder inbox = greenMail.getManagers().getImapHostManager().getInbox(u);
        // GreenMail hands out its live message list; mail still arriving can change it mid-copy
        for (int attempt = 1; ; attempt++) {
            try {
                List<byte[]> out = new ArrayList<>();
                for (var m : List.copyOf(inbox.getMessages())) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    m.getMimeMessage().writeTo(b);
                    out.add(b.toByteArray());
                }
                return out;
            } catch (java.util.ConcurrentModificationException e) {
                if (attempt == 20) throw e;
                Thread.sleep(10);
            }
        }
    }

    /** Waits (at most {@code millis}) until {@code addr}'s INBOX holds {@code n} messages. */
    List<byte[]> await(String addr, int n, long millis) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        List<byte[]> got = inbox(addr);
        while (got.size() < n && System.nanoTime() < end) {
            Thread.sleep(50);
            got = inbox(addr);
        }
        return got;
    }

    /** Sends {@code raw} to the list address through this server's SMTP (loopback, 5 s / 10 s timeouts). */
    void post(byte[] raw) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(smtpPort()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        jakarta.mail.Session s = jakarta.mail.Session.getInstance(p);
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(s, new java.io.ByteArrayInputStream(raw));
        try (jakarta.mail.Transport t = s.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, new jakarta.mail.internet.InternetAddress[] {new jakarta.mail.internet.InternetAddress(ListFixture.LIST)});
        }
    }

    @Override public void close() {
        greenMail.stop();
    }
}
