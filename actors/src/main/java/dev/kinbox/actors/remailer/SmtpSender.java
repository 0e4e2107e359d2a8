package dev.kinbox.actors.remailer;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/** Hands {@link OutgoingMail} to an SMTP server through Jakarta Mail (Angus), one connection per batch. */
final class SmtpSender {
    private static final System.Logger LOG = System.getLogger(SmtpSender.class.getName());
    private final SmtpSettings settings;
    private final Session session;

    SmtpSender(SmtpSettings settings) {
        this.settings = settings;
        Properties p = new Properties();
        String proto = settings.tls() == SmtpSettings.Tls.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", settings.host());
        p.put("mail." + proto + ".port", Integer.toString(settings.port()));
        p.put("mail." + proto + ".connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        p.put("mail." + proto + ".timeout", Long.toString(settings.ioTimeout().toMillis()));
        p.put("mail." + proto + ".writetimeout", Long.toString(settings.ioTimeout().toMillis()));
        p.put("mail." + proto + ".auth", Boolean.toString(settings.user() != null));
        if (settings.tls() == SmtpSettings.Tls.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (settings.tls() != SmtpSettings.Tls.NONE) p.put("mail." + proto + ".ssl.checkserveridentity", "true");
        this.session = Session.getInstance(p);
    }

    /**
     * Sends all, in order; stops at the first failure and says how many went out. A message whose one
     * recipient the server refuses permanently is logged and skipped (counted as handled).
     */
    void send(List<OutgoingMail> mails) throws RemailerException.DeliveryFailed {
        if (mails.isEmpty()) return;
        int sent = 0;
        Transport t = null;
        try {
            t = session.getTransport();
            char[] pw = settings.password();
            t.connect(settings.host(), settings.port(), settings.user(), pw == null ? null : new String(pw));
            for (OutgoingMail m : mails) {
                SMTPMessage msg = new SMTPMessage(session, new ByteArrayInputStream(m.raw()));
                msg.setEnvelopeFrom(m.envelopeFrom());
                try {
                    t.sendMessage(msg, new InternetAddress[] {new InternetAddress(m.recipient(), true)});
                } catch (SendFailedException e) {
                    // the server refused this one recipient: retrying cannot help, and it must not block the rest
                    if (e.getInvalidAddresses() == null || e.getInvalidAddresses().length == 0) throw e;
                    LOG.log(System.Logger.Level.WARNING, "remailer: SMTP refused recipient " + m.recipient() + " (" + m.kind()
                            + "): " + ListMail.clip(e.getMessage()));
                }
                sent++;
            }
        } catch (MessagingException | RuntimeException e) {
            throw new RemailerException.DeliveryFailed("SMTP delivery to " + settings.host() + ":" + settings.port()
                    + " failed after " + sent + " of " + mails.size() + ": " + ListMail.clip(e.getMessage()), sent, e);
        } finally {
            if (t != null) {
                try {
                    t.close();
                } catch (MessagingException e) {
                    // the batch is done or already failed; nothing more to report
                }
            }
        }
    }
}
