package dev.kinbox.actors.remailer;

import dev.kinbox.actors.remailer.RemailerException.DeliveryFailed.Reason;
import dev.kinbox.journal.mail.TlsTrust;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * Hands {@link OutgoingMail} to an SMTP server through Jakarta Mail (Angus), one connection per batch.
 * TLS (implicit or required STARTTLS) uses the settings' own {@code SSLContext} when it has one, else
 * the JVM's default; the server's identity is checked against the host name either way.
 */
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
        if (settings.tls() != SmtpSettings.Tls.NONE) {
            p.put("mail." + proto + ".ssl.checkserveridentity", "true");
            // STARTTLS upgrades through the same property ("mail.smtp.ssl.socketFactory"); never ssl.trust="*"
            if (settings.sslContext() != null) p.put("mail." + proto + ".ssl.socketFactory", settings.sslContext().getSocketFactory());
        }
        // Angus otherwise retries a failed connect with the JVM's default factory: a second dial, and
        // its error (e.g. "not trusted") hides the first one (e.g. the host name)
        p.put("mail." + proto + ".socketFactory.fallback", "false");
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
            Reason reason = reason(e);
            throw new RemailerException.DeliveryFailed("SMTP delivery to " + settings.host() + ":" + settings.port()
                    + " failed after " + sent + " of " + mails.size() + ": " + describe(reason, e), reason, sent, e);
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

    /** What the exception chain of a failed send means. */
    static Reason reason(Throwable e) {
        if (e instanceof AuthenticationFailedException) return Reason.LOGIN_REFUSED;
        if (String.valueOf(e.getMessage()).startsWith("STARTTLS is required")) return Reason.STARTTLS_NOT_OFFERED;
        int depth = 0;
        for (Throwable c = e; c != null && depth < 20; c = c.getCause(), depth++) {
            if (c instanceof javax.net.ssl.SSLException || String.valueOf(c.getMessage()).startsWith("Server identity does not match")) {
                return switch (TlsTrust.classify(e)) {
                    case UNTRUSTED -> Reason.UNTRUSTED_CERTIFICATE;
                    case HOST_NAME -> Reason.HOST_NAME_MISMATCH;
                    case OTHER -> Reason.TLS_FAILED;
                };
            }
            if (c instanceof SocketTimeoutException) return Reason.TIMEOUT;
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
                return Reason.UNREACHABLE;
            }
        }
        return Reason.REFUSED;
    }

    /** One line: the TLS verdict in our words, otherwise the server's or Angus's message, clipped. */
    private static String describe(Reason reason, Throwable e) {
        return switch (reason) {
            case UNTRUSTED_CERTIFICATE, HOST_NAME_MISMATCH, TLS_FAILED -> TlsTrust.classify(e).describe();
            case STARTTLS_NOT_OFFERED -> "the server does not offer STARTTLS, which is required; no login and no mail were sent";
            default -> ListMail.clip(e.getMessage());
        };
    }
}
