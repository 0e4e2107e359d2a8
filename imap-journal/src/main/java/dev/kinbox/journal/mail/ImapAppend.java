package dev.kinbox.journal.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;

/**
 * APPEND: one MULTIAPPEND command per chunk where the server has it (Angus itself never sends one),
 * else one APPEND per message; UIDs from APPENDUID (UIDPLUS), else by Message-ID search.
 */
final class ImapAppend {
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) ([0-9:,]+)\\]", Pattern.CASE_INSENSITIVE);

    private ImapAppend() {}

    static AppendResult append(ImapConnection c, String folder, List<NewMessage> ms, int chunk, int chunkBytes) throws Exception {
        List<Long> uids = new ArrayList<>(ms.size());
        long validity = 0;
        boolean multi = c.has(Capability.MULTIAPPEND);
        int i = 0;
        while (i < ms.size()) {
            int j = i + 1;
            if (multi) {
                long bytes = ms.get(i).size();
                while (j < ms.size() && j - i < chunk && bytes + ms.get(j).size() <= chunkBytes) bytes += ms.get(j++).size();
            }
            List<NewMessage> part = ms.subList(i, j);
            Argument a = new Argument();
            a.writeString(folder);
            for (NewMessage m : part) {
                if (!m.flags().isEmpty()) a.writeAtom(flagList(m));
                a.writeBytes(m.rawUnsafe());
            }
            Response[] rs;
            try {
                rs = c.command("APPEND", a);
            } catch (CommandFailedException e) {
                throw ImapMailStore.missingOr(c, folder, e);
            }
            Response tagged = rs[rs.length - 1];
            if (c.has(Capability.UIDPLUS)) {
                long[] got = parseAppendUid(tagged.toString(), part.size());
                if (validity != 0 && got[0] != validity) {
                    throw new MailStoreException.ProtocolViolation("APPEND " + folder + ": UIDVALIDITY changed during the append", null);
                }
                validity = got[0];
                for (int k = 1; k < got.length; k++) uids.add(got[k]);
            } else {
                for (NewMessage m : part) uids.add(0L);
            }
            i = j;
        }
        if (!c.has(Capability.UIDPLUS)) validity = findByMessageId(c, folder, ms, uids);
        return new AppendResult(validity, uids);
    }

    /** [APPENDUID v set] to {v, uid1, uid2, ...}; the set must hold exactly {@code count} UIDs. */
    static long[] parseAppendUid(String text, int count) {
        Matcher m = APPENDUID.matcher(text);
        if (!m.find()) throw new MailStoreException.ProtocolViolation("APPEND: server has UIDPLUS but sent no APPENDUID", null);
        long[] out = new long[count + 1];
        out[0] = Long.parseLong(m.group(1));
        int n = 1;
        for (String part : m.group(2).split(",")) {
            String[] ab = part.split(":");
            if (ab.length > 2 || ab[0].isEmpty()) throw new MailStoreException.ProtocolViolation("APPEND: bad APPENDUID set", null);
            long a = Long.parseLong(ab[0]);
            long b = ab.length == 2 ? Long.parseLong(ab[1]) : a;
            if (a < 1 || b < a || b - a >= count) throw new MailStoreException.ProtocolViolation("APPEND: bad APPENDUID range", null);
            for (long u = a; u <= b; u++) {
                if (n > count) throw new MailStoreException.ProtocolViolation("APPEND: APPENDUID names too many UIDs", null);
                out[n++] = u;
            }
        }
        if (n != count + 1 || out[0] < 1) throw new MailStoreException.ProtocolViolation("APPEND: APPENDUID names " + (n - 1) + " UIDs for " + count + " messages", null);
        return out;
    }

    private static long findByMessageId(ImapConnection c, String folder, List<NewMessage> ms, List<Long> uids) throws Exception {
        long validity = c.select(folder);
        for (int k = 0; k < ms.size(); k++) {
            var id = ms.get(k).messageId();
            if (id.isEmpty()) continue;
            List<Long> found = ImapFetch.searchHeader(c, "Message-ID", id.get());
            if (!found.isEmpty()) uids.set(k, found.get(found.size() - 1));
        }
        return validity;
    }

    private static String flagList(NewMessage m) {
        StringBuilder sb = new StringBuilder("(");
        for (Flag f : m.flags()) sb.append(sb.length() == 1 ? "" : " ").append(f.imap());
        return sb.append(')').toString();
    }
}
