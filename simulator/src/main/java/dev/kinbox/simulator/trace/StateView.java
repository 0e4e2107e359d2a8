package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountKey;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.StateValues;
import dev.kinbox.persistence.crdt.Dot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An account state as sorted lines {@code part key -> value} (settings, contacts and their fields and
 * addresses, devices, account keys, peers, verified keys, mailing lists, domain policies, and the
 * events seen per device), and the difference of two states line by line.
 */
public final class StateView {
    private StateView() {}

    /** The state as {@code "setting s3" -> "v12 (at ... by ...)"} and so on, sorted by key. */
    public static SortedMap<String, String> of(AccountState s, Function<String, String> label) {
        SortedMap<String, String> m = new TreeMap<>();
        s.settings().forEach((k, v) -> m.put("setting " + k, Render.value(v, label)));
        for (String c : new TreeSet<>(s.contacts().keys().elements())) {
            m.put("contact " + c, "present");
            StateValues.ContactFields f = s.contacts().get(c);
            if (f != null) f.fields().forEach((k, v) -> m.put("contact " + c + " " + k, Render.value(v, label)));
        }
        for (StateValues.ContactAddress a : s.contactAddresses().elements()) m.put("contact " + a.contactId() + " address " + a.address(), "present");
        s.devices().forEach((id, d) -> m.put("device " + label.apply(id), device(d, label)));
        s.accountKeys().forEach((fp, k) -> m.put("key " + fp, key(k, label)));
        s.peers().forEach((addr, p) -> m.put("peer " + addr, Render.fields(p, java.util.Set.of(), label)));
        for (StateValues.PeerFingerprint v : s.verified().elements()) m.put("verified " + v.address() + " " + v.fingerprint(), "present");
        s.mailingLists().forEach((addr, l) -> m.put("list " + addr, Render.value(l, label)));
        s.domainPolicies().forEach((d, p) -> m.put("domain " + d, Render.value(p, label)));
        s.context().versionVector().forEach((id, n) -> m.put("events of " + label.apply(id), "1.." + n));
        Map<String, List<Long>> detached = new TreeMap<>();
        for (Dot d : s.context().cloud()) detached.computeIfAbsent(label.apply(d.deviceId()), k -> new ArrayList<>()).add(d.seq());
        detached.forEach((id, seqs) -> m.put("events of " + id + " detached", new TreeSet<>(seqs).toString()));
        return m;
    }

    /**
     * Where {@code a} (named {@code nameA}) and {@code b} differ, one line per part; {@code "equal"}
     * when their digests match.
     */
    public static List<String> diff(AccountState a, String nameA, AccountState b, String nameB, Function<String, String> label) {
        byte[] da = Journals.digest(a), db = Journals.digest(b);
        if (Arrays.equals(da, db)) return List.of("equal (digest " + HexFormat.of().formatHex(da, 0, 8) + ")");
        SortedMap<String, String> va = of(a, label), vb = of(b, label);
        List<String> out = new ArrayList<>();
        out.add("digests differ: " + nameA + " " + HexFormat.of().formatHex(da, 0, 8) + ", " + nameB + " " + HexFormat.of().formatHex(db, 0, 8));
        TreeSet<String> keys = new TreeSet<>(va.keySet());
        keys.addAll(vb.keySet());
        for (String k : keys) {
            String x = va.get(k), y = vb.get(k);
            if (Objects.equals(x, y)) continue;
            out.add(k + ": " + nameA + " " + (x == null ? "(absent)" : x) + " | " + nameB + " " + (y == null ? "(absent)" : y));
        }
        if (out.size() == 1) out.add("every part above is equal: they differ in CRDT metadata only (the dots behind a value, or removed entries)");
        return out;
    }

    private static String device(DeviceRecord d, Function<String, String> label) {
        return d.status() + " name=" + Render.value(d.name(), label) + " certificate=" + Render.value(d.certificate(), label)
                + " pairedBy=" + Render.value(d.pairedBy(), label) + " lastActive=" + d.lastActive();
    }

    private static String key(AccountKey k, Function<String, String> label) {
        return "created " + Render.value(k.created(), label) + (k.revoked() ? " revoked" : "") + " secret=" + Render.value(k.secretKey(), label);
    }
}
