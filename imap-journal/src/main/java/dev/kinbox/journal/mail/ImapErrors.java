package dev.kinbox.journal.mail;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;

/** Maps what Angus and the JDK throw to our {@link MailStoreException} hierarchy. */
final class ImapErrors {
    private ImapErrors() {}

    /** Whether the connection is still usable after this failure (a plain NO/BAD leaves it intact). */
    static boolean keepsConnection(MailStoreException e) {
        return e instanceof MailStoreException.CommandRefused || e instanceof MailStoreException.FolderMissing
                || e instanceof MailStoreException.InvalidRequest;
    }

    static MailStoreException map(String op, Throwable t, boolean deadlinePassed) {
        if (t instanceof MailStoreException m && !deadlinePassed) return m;
        if (hasCause(t, LiteralGuard.LiteralTooLarge.class)) {
            return new MailStoreException.ProtocolViolation(op + ": server announced an oversized literal", t);
        }
        if (deadlinePassed) return new MailStoreException.Timeout(op + ": operation deadline passed", t);
        if (hasCause(t, javax.net.ssl.SSLException.class)) {
            return new MailStoreException.ConnectionLost(op + ": " + tlsFailure(t), t);
        }
        if (hasCause(t, SocketTimeoutException.class) || (hasCause(t, InterruptedIOException.class) && !hasCause(t, ConnectException.class))) {
            return new MailStoreException.Timeout(op + ": no answer within the timeout", t);
        }
        if (t instanceof ConnectionException ce) {
            Response r = ce.getResponse();
            String why = r != null && r.getException() == null ? ": server said " + brief(r) : "";
            return new MailStoreException.ConnectionLost(op + ": connection lost" + why, t);
        }
        if (t instanceof BadCommandException) return new MailStoreException.CommandRefused(op + ": server said BAD " + brief(((ProtocolException) t).getResponse()), t);
        if (t instanceof CommandFailedException) return new MailStoreException.CommandRefused(op + ": server said NO " + brief(((ProtocolException) t).getResponse()), t);
        if (t instanceof ParsingException) return new MailStoreException.ProtocolViolation(op + ": unparsable response", t);
        if (t instanceof ProtocolException) return new MailStoreException.ProtocolViolation(op + ": " + t.getClass().getSimpleName(), t);
        if (t instanceof UnknownHostException) return new MailStoreException.ConnectionLost(op + ": unknown host", t);
        if (t instanceof ConnectException) return new MailStoreException.ConnectionLost(op + ": cannot connect", t);
        if (t instanceof IOException) return new MailStoreException.ConnectionLost(op + ": " + t.getClass().getSimpleName(), t);
        // Anything else came out of parsing what the server sent (NumberFormatException, index errors...).
        return new MailStoreException.ProtocolViolation(op + ": malformed response (" + t.getClass().getSimpleName() + ")", t);
    }

    /** Why a TLS handshake failed, as far as the JDK's exceptions tell (never their full text). */
    static String tlsFailure(Throwable t) {
        return TlsTrust.classify(t).describe();
    }

    /** A short, single-line, printable rendering of a server reply (never message contents). */
    static String brief(Response r) {
        if (r == null) return "(nothing)";
        String s = r.getRest();
        if (s == null) s = "";
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (out.length() >= 120) { out.append("..."); break; }
            out.append(c >= 32 && c < 127 ? c : '?');
        }
        return out.toString();
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (type.isInstance(t)) return true;
            if (t instanceof ProtocolException pe && pe.getResponse() != null && pe.getResponse().getException() != null
                    && pe.getResponse().getException() != t) {
                if (hasCause(pe.getResponse().getException(), type)) return true;
            }
            t = t.getCause();
        }
        return false;
    }
}
