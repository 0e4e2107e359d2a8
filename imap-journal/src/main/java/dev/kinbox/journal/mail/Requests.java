package dev.kinbox.journal.mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Argument checks shared by the implementations: everything is refused before anything is sent. */
final class Requests {
    private Requests() {}

    static final int MAX_FOLDER_NAME = 200;
    static final int MAX_SEARCH_VALUE = 1000;

    static String folder(String name) {
        if (name == null) throw new MailStoreException.InvalidRequest("folder name is null");
        if (name.equalsIgnoreCase("INBOX")) return "INBOX";
        if (name.isEmpty() || name.length() > MAX_FOLDER_NAME) {
            throw new MailStoreException.InvalidRequest("folder name must have 1.." + MAX_FOLDER_NAME + " characters");
        }
        for (char c : name.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) throw new MailStoreException.InvalidRequest("folder name may hold only A-Z a-z 0-9 _ - (first level only)");
        }
        return name;
    }

    static List<NewMessage> messages(List<NewMessage> messages, int maxBytes, int maxCount) {
        if (messages == null || messages.isEmpty()) throw new MailStoreException.InvalidRequest("nothing to append");
        if (messages.size() > maxCount) throw new MailStoreException.InvalidRequest("at most " + maxCount + " messages per append");
        for (NewMessage m : messages) {
            if (m == null) throw new MailStoreException.InvalidRequest("null message");
            if (m.size() > maxBytes) throw new MailStoreException.InvalidRequest("message of " + m.size() + " bytes exceeds " + maxBytes);
        }
        return List.copyOf(messages);
    }

    static TreeSet<Long> uids(Collection<Long> uids) {
        if (uids == null) throw new MailStoreException.InvalidRequest("uids is null");
        TreeSet<Long> out = new TreeSet<>();
        for (Long u : uids) {
            if (u == null || u < 1 || u > 0xFFFF_FFFFL) throw new MailStoreException.InvalidRequest("bad UID " + u);
            out.add(u);
        }
        return out;
    }

    static Set<Flag> flags(Set<Flag> flags) {
        if (flags == null || flags.isEmpty()) throw new MailStoreException.InvalidRequest("no flags given");
        return Set.copyOf(flags);
    }

    static void search(String header, String value) {
        if (!Headers.isFieldName(header)) throw new MailStoreException.InvalidRequest("bad header name");
        if (value == null || value.length() > MAX_SEARCH_VALUE) throw new MailStoreException.InvalidRequest("bad search value");
        for (char c : value.toCharArray()) {
            if (c < 32 || c >= 127) throw new MailStoreException.InvalidRequest("search value must be printable ASCII");
        }
    }

    /** IMAP sequence-set syntax for sorted UIDs, split so no set is longer than ~{@code maxChars}. */
    static List<String> uidSets(TreeSet<Long> uids, int maxChars) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        Long start = null, prev = null;
        for (long u : uids) {
            if (start == null) { start = u; prev = u; continue; }
            if (u == prev + 1) { prev = u; continue; }
            appendRange(sb, start, prev);
            if (sb.length() > maxChars) { out.add(sb.toString()); sb.setLength(0); }
            start = u; prev = u;
        }
        if (start != null) appendRange(sb, start, prev);
        if (sb.length() > 0) out.add(sb.toString());
        return out;
    }

    private static void appendRange(StringBuilder sb, long a, long b) {
        if (sb.length() > 0) sb.append(',');
        sb.append(a);
        if (b != a) sb.append(':').append(b);
    }
}
