package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.LwwRegister;
import java.lang.reflect.RecordComponent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Values of states and events as short text: bytes by length and digest, registers with their time, records by their fields. */
final class Render {
    private static final int MAX_TEXT = 80;

    private Render() {}

    /** {@code 2030-01-01T02:13:45.123Z} and {@code +n} when the logical counter is not 0. */
    static String time(Hlc t) {
        return Instant.ofEpochMilli(t.wallMillis()) + (t.logical() == 0 ? "" : "+" + t.logical());
    }

    static String value(Object v) {
        return value(v, Function.identity());
    }

    /** As {@link #value(Object)}; {@code label} names the devices that set registers. */
    static String value(Object v, Function<String, String> label) {
        if (v == null) return "-";
        if (v instanceof Bytes b) return "<" + b.length() + " bytes #" + shortHash(b.toByteArray()) + ">";
        if (v instanceof byte[] b) return "<" + b.length + " bytes #" + shortHash(b) + ">";
        if (v instanceof LwwRegister<?> r) return value(r.value(), label) + " (at " + time(r.time()) + " by " + label.apply(r.time().node()) + ")";
        if (v instanceof Hlc h) return time(h) + " by " + label.apply(h.node());
        if (v instanceof String s) return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "..." : s;
        if (v instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            for (Object o : c) out.add(value(o, label));
            return out.toString();
        }
        if (v instanceof Map<?, ?> m) {
            List<String> out = new ArrayList<>();
            m.forEach((k, x) -> out.add(value(k, label) + "=" + value(x, label)));
            return "{" + String.join(", ", out) + "}";
        }
        if (v.getClass().isRecord()) return v.getClass().getSimpleName() + "{" + fields(v, Set.of(), label) + "}";
        return String.valueOf(v);
    }

    /** The record's components but {@code skip}, as {@code name=value} separated by spaces. */
    static String fields(Object record, Set<String> skip) {
        return fields(record, skip, Function.identity());
    }

    static String fields(Object record, Set<String> skip, Function<String, String> label) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (skip.contains(c.getName())) continue;
            try {
                out.add(c.getName() + "=" + value(c.getAccessor().invoke(record), label));
            } catch (ReflectiveOperationException e) {
                out.add(c.getName() + "=?");
            }
        }
        return String.join(" ", out);
    }

    private static String shortHash(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
