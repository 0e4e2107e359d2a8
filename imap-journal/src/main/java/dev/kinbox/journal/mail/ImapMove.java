package dev.kinbox.journal.mail;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;

/**
 * {@code UID MOVE} (RFC 6851), one UID per command: a server answers a MOVE of a message another
 * session already moved with no {@code COPYUID} (Dovecot: OK "No messages found") or a NO (GreenMail),
 * and one UID per command keeps a half-failed multi-UID MOVE from moving messages we cannot name.
 */
final class ImapMove {
    private static final Pattern COPYUID = Pattern.compile("\\[COPYUID (\\d+) ([0-9:,]+) ([0-9:,]+)\\]", Pattern.CASE_INSENSITIVE);

    private ImapMove() {}

    static Map<Long, Long> move(ImapConnection c, String from, TreeSet<Long> uids, String to) throws Exception {
        try {
            c.selectFresh(from);
        } catch (CommandFailedException e) {
            c.forgetSelection();
            throw ImapMailStore.missingOr(c, from, e);
        }
        Map<Long, Long> moved = new TreeMap<>();
        for (long uid : uids) {
            Argument a = new Argument();
            a.writeString(to);
            Response[] rs = c.protocol.command("UID MOVE " + uid, a);
            c.protocol.notifyResponseHandlers(rs);
            Response tagged = rs[rs.length - 1];
            if (tagged.isBYE()) throw new MailStoreException.ConnectionLost("MOVE " + from + ": server said BYE", null);
            if (!tagged.isOK()) {
                // NO (or GreenMail's BAD for a message that vanished under it): nothing of ours moved,
                // unless the target is missing, which is the caller's error.
                if (!c.exists(to)) throw new MailStoreException.FolderMissing(to, null);
                continue;
            }
            for (Response r : rs) {
                Long got = copyUid(r.toString(), uid);
                if (got != null) {
                    moved.put(uid, got);
                    break;
                }
            }
        }
        return moved;
    }

    /** The target UID of {@code uid} in a {@code [COPYUID v src dst]} response code, or null if it names none. */
    static Long copyUid(String text, long uid) {
        Matcher m = COPYUID.matcher(text);
        if (!m.find()) return null;
        long[] src = expand(m.group(2));
        long[] dst = expand(m.group(3));
        if (src.length != dst.length) throw new MailStoreException.ProtocolViolation("MOVE: COPYUID sets differ in size", null);
        for (int i = 0; i < src.length; i++) if (src[i] == uid) return dst[i];
        return null;
    }

    private static long[] expand(String set) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (String part : set.split(",")) {
            String[] ab = part.split(":");
            if (ab.length > 2 || ab[0].isEmpty()) throw new MailStoreException.ProtocolViolation("MOVE: bad COPYUID set", null);
            long a = Long.parseLong(ab[0]);
            long b = ab.length == 2 ? Long.parseLong(ab[1]) : a;
            long lo = Math.min(a, b), hi = Math.max(a, b);
            if (lo < 1 || hi - lo > 100_000) throw new MailStoreException.ProtocolViolation("MOVE: bad COPYUID range", null);
            for (long u = lo; u <= hi; u++) out.add(u);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
