package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.StateValues.ContactFields;
import dev.kinbox.persistence.crdt.LwwRegister;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code own_edits_ordered} (a pure function of one state and the account's acknowledged edits): a
 * device's later edit of a setting or contact field is never overridden by its own earlier one.
 * Whatever its clock did meanwhile (set back across a crash, skewed, jumping), a device stamps each
 * edit above the ones it wrote before, so when the register holds the value of one of its
 * acknowledged edits while a later acknowledged edit of the same device to the same register is in
 * the state too, the later one lost to the earlier: the user's newer change undone. Only
 * acknowledged edits count (a later edit that was never acknowledged may have won on its own), and
 * only one device's edits are compared with each other (another device's edit may win by its stamp).
 * Values are unique per edit in the workload ({@code "v" + n}), so a register's value names its edit.
 */
final class OwnEditOrder {
    static final String NAME = "own_edits_ordered";
    private static final int MAX_LISTED = 5;

    private OwnEditOrder() {}

    /** The violation in {@code state} of {@code deviceId} in {@code accountId}, if any, over {@code edits} (the account's). */
    static List<Violation> check(String accountId, String deviceId, AccountState state, List<AckedEdit> edits) {
        // register -> author -> its acknowledged edits of that register that the state holds
        Map<String, Map<String, List<AckedEdit>>> held = new TreeMap<>();
        for (AckedEdit e : edits) {
            if (e.register() == null || !state.context().contains(e.dot())) continue;
            held.computeIfAbsent(e.register(), r -> new HashMap<>()).computeIfAbsent(e.dot().deviceId(), a -> new ArrayList<>()).add(e);
        }
        List<String> undone = new ArrayList<>();
        int count = 0;
        for (var reg : held.entrySet()) {
            LwwRegister<String> now = register(state, reg.getKey());
            if (now == null) continue;
            for (List<AckedEdit> byAuthor : reg.getValue().values()) {
                if (byAuthor.size() < 2) continue;
                AckedEdit winner = null, latest = null;
                for (AckedEdit e : byAuthor) {
                    if (e.value().equals(now.value())) winner = e;
                    if (latest == null || e.dot().seq() > latest.dot().seq()) latest = e;
                }
                if (winner == null || winner == latest) continue;
                count++;
                if (undone.size() < MAX_LISTED) {
                    undone.add(reg.getKey() + " holds " + winner.dot().deviceId() + ":" + winner.dot().seq() + " over its later "
                            + latest.dot().deviceId() + ":" + latest.dot().seq());
                }
            }
        }
        if (count == 0) return List.of();
        return List.of(new Violation(NAME, accountId, List.of(deviceId), List.of(),
                count + " register(s) hold a device's earlier edit over its later one: " + String.join("; ", undone)));
    }

    /** The register an edit wrote: {@code setting KEY} or {@code contact ID FIELD} (see {@link AckedEdit#register}). */
    private static LwwRegister<String> register(AccountState s, String register) {
        String[] p = register.split(" ");
        if (p[0].equals("setting")) return s.settings().get(p[1]);
        ContactFields c = s.contacts().get(p[1]);
        return c == null ? null : c.fields().get(p[2]);
    }
}
