package dev.kinbox.journal.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Minimal RFC 5322 header-section helpers (bytes in, unfolded ASCII-ish strings out). */
final class Headers {
    private Headers() {}

    /** Index just after the blank line ending the header section (CRLFCRLF or LFLF), or the length. */
    static int headerEnd(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n') {
                if (i + 1 < raw.length && raw[i + 1] == '\n') return i + 2;
                if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') return i + 3;
            }
        }
        return raw.length;
    }

    static byte[] headerSection(byte[] raw) {
        return java.util.Arrays.copyOf(raw, headerEnd(raw));
    }

    /** Values of the named field, unfolded and trimmed. */
    static List<String> values(byte[] headerSection, String name) {
        String text = new String(headerSection, StandardCharsets.ISO_8859_1);
        String want = name.toLowerCase(Locale.ROOT) + ":";
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) break;
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation) {
                if (cur != null) cur.append(' ').append(line.trim());
                continue;
            }
            if (cur != null) { out.add(cur.toString().trim()); cur = null; }
            if (line.toLowerCase(Locale.ROOT).startsWith(want)) cur = new StringBuilder(line.substring(want.length()));
        }
        if (cur != null) out.add(cur.toString().trim());
        return out;
    }

    /** Whether the header field name is a plain token we can send in SEARCH HEADER. */
    static boolean isFieldName(String name) {
        if (name == null || name.isEmpty() || name.length() > 100) return false;
        for (char c : name.toCharArray()) if (c <= 32 || c >= 127 || c == ':') return false;
        return true;
    }
}
