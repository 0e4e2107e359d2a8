package dev.kinbox.journal.mail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import jakarta.mail.Flags;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/** UID FETCH of a whole range in one command, and SEARCH HEADER; parsing checked against the request. */
final class ImapFetch {
    private ImapFetch() {}

    static List<StoredMessage> fetch(ImapConnection c, UidRange range, Fetch what) throws Exception {
        String section = what == Fetch.FULL ? "BODY.PEEK[]" : "BODY.PEEK[HEADER]";
        Response[] rs = c.command("UID FETCH " + range.imap() + " (UID FLAGS RFC822.SIZE " + section + ")", null);
        List<StoredMessage> out = new ArrayList<>();
        for (Response r : rs) {
            if (!(r instanceof FetchResponse f)) continue;
            UID uid = f.getItem(UID.class);
            BODY body = f.getItem(BODY.class);
            if (uid == null || body == null) continue; // an unsolicited flag update
            // "n:*" returns the newest message even when its UID is below n.
            if (!range.contains(uid.uid)) continue;
            RFC822SIZE size = f.getItem(RFC822SIZE.class);
            FLAGS flags = f.getItem(FLAGS.class);
            ByteArray ba = body.getByteArray();
            byte[] bytes = ba == null ? new byte[0] : ba.getNewBytes();
            byte[] headers;
            byte[] rest;
            if (what == Fetch.FULL) {
                int end = Headers.headerEnd(bytes);
                headers = java.util.Arrays.copyOf(bytes, end);
                rest = java.util.Arrays.copyOfRange(bytes, end, bytes.length);
            } else {
                headers = bytes;
                rest = new byte[0];
            }
            // With the whole message in hand its length is the truth (GreenMail's RFC822.SIZE is wrong).
            long n = what == Fetch.FULL || size == null ? bytes.length : size.size;
            out.add(new StoredMessage(uid.uid, flags(flags), n, headers, rest));
        }
        out.sort(Comparator.comparingLong(StoredMessage::uid));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).uid() == out.get(i - 1).uid()) {
                throw new MailStoreException.ProtocolViolation("FETCH: UID " + out.get(i).uid() + " returned twice", null);
            }
        }
        return out;
    }

    static List<Long> searchHeader(ImapConnection c, String header, String value) throws Exception {
        Argument a = new Argument();
        a.writeAtom("HEADER");
        a.writeString(header);
        a.writeString(value);
        Response[] rs = c.command("UID SEARCH", a);
        List<Long> out = new ArrayList<>();
        for (Response r : rs) {
            if (r instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("SEARCH")) {
                long n;
                while ((n = ir.readLong()) != -1) {
                    if (n < 1 || n > 0xFFFF_FFFFL) throw new MailStoreException.ProtocolViolation("SEARCH: bad UID " + n, null);
                    out.add(n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static Set<Flag> flags(Flags f) {
        if (f == null) return Set.of();
        EnumSet<Flag> out = EnumSet.noneOf(Flag.class);
        if (f.contains(Flags.Flag.SEEN)) out.add(Flag.SEEN);
        if (f.contains(Flags.Flag.ANSWERED)) out.add(Flag.ANSWERED);
        if (f.contains(Flags.Flag.FLAGGED)) out.add(Flag.FLAGGED);
        if (f.contains(Flags.Flag.DELETED)) out.add(Flag.DELETED);
        if (f.contains(Flags.Flag.DRAFT)) out.add(Flag.DRAFT);
        return out;
    }
}
