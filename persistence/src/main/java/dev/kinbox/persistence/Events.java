package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;
import java.util.List;
import java.util.TreeSet;

/** Validation shared by the event records. */
final class Events {
    /** Most dots a remove event may list as observed. */
    static final int MAX_OBSERVED = 10_000;

    private Events() {}

    static void meta(Dot dot, Hlc time) {
        if (dot == null || time == null) throw new IllegalArgumentException("event needs a dot and a time");
        if (!dot.deviceId().equals(time.node())) {
            throw new IllegalArgumentException("event time " + time + " was not issued by its origin " + dot.deviceId());
        }
    }

    static String requireContactId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            throw new IllegalArgumentException("contact id must be 1..128 characters");
        }
        return Ids.requireWellFormed("contact id", id);
    }

    static String requireKey(String what, String key) {
        if (key == null || key.isEmpty() || key.length() > 256) throw new IllegalArgumentException(what + " must be 1..256 characters");
        return Ids.requireWellFormed(what, key);
    }

    /** Sorted, deduplicated, bounded copy; canonical so that encodings are deterministic. */
    static List<Dot> observed(List<Dot> dots) {
        if (dots == null) throw new IllegalArgumentException("observed dots missing");
        if (dots.size() > MAX_OBSERVED) throw new IllegalArgumentException("more than " + MAX_OBSERVED + " observed dots");
        for (Dot d : dots) if (d == null) throw new IllegalArgumentException("null observed dot");
        return List.copyOf(new TreeSet<>(dots));
    }

    static String domain(String d) {
        Ids.requireText("domain", d);
        String s = d.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty() || s.length() > 253) throw new IllegalArgumentException("domain must be 1..253 characters");
        return s;
    }
}
