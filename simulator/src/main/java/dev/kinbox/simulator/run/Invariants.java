package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end-of-run checks over the states of the running devices (a pure function of them):
 * <ul>
 *   <li>{@code converged}: all running devices of an account hold equal state digests;</li>
 *   <li>{@code no_lost_edits}: every acknowledged edit's dot is in the state of every running device of its account;</li>
 *   <li>{@code store_bounded}: the most journal messages (entries, snapshots, deletion marks) an account's
 *       mailbox held at any count stays within {@link #storeBound}, which depends on device slots and
 *       the snapshot interval, not on the number of events.</li>
 * </ul>
 */
public final class Invariants {
    private static final KinboxCodec CODEC = new KinboxCodec();
    private static final int MAX_DOTS_LISTED = 20;

    /** What the checks found; {@code divergentDevices} counts devices outside the largest agreeing group of their account,
     * {@code lostEdits} the distinct acknowledged edits missing on at least one running device,
     * {@code storeBounded} whether every account's journal messages stayed within the bound. */
    public record Result(boolean converged, int divergentDevices, int lostEdits, boolean storeBounded, List<Violation> violations) {
        public Result { violations = List.copyOf(violations); }

        public boolean ok() { return violations.isEmpty(); }
    }

    private Invariants() {}

    /**
     * The most journal messages one account's mailbox may hold: each device slot's folder holds at most
     * the entries written since its last compacted snapshot (at most {@code snapshotEvery} events, one
     * message each at worst) plus those of the snapshot interval whose compaction is still running, the
     * snapshot itself, the previous one until compaction removes it, and a deletion mark or two:
     * {@code slots * (2 * snapshotEvery + 4)}.
     */
    public static long storeBound(int slots, int snapshotEvery) {
        return (long) slots * (2L * snapshotEvery + 4);
    }

    /**
     * As {@link #check(Roster, Map, List)}, and {@code store_bounded} over {@code journalMax} (account
     * index -> most journal messages counted) against {@code bound}.
     */
    public static Result check(Roster roster, Map<DeviceRef, AccountState> states, List<AckedEdit> acked, Map<Integer, Long> journalMax,
                               long bound) {
        Result r = check(roster, states, acked);
        List<Violation> vs = new ArrayList<>(r.violations());
        boolean bounded = true;
        for (var e : new TreeMap<>(journalMax).entrySet()) {
            if (e.getValue() <= bound) continue;
            bounded = false;
            vs.add(new Violation("store_bounded", roster.accounts().get(e.getKey()).accountId(), List.of(), List.of(),
                    e.getValue() + " journal messages in the mailbox, more than the bound " + bound));
        }
        return new Result(r.converged(), r.divergentDevices(), r.lostEdits(), bounded, vs);
    }

    public static Result check(Roster roster, Map<DeviceRef, AccountState> states, List<AckedEdit> acked) {
        Map<Integer, Map<DeviceRef, AccountState>> byAccount = new TreeMap<>();
        states.forEach((d, s) -> byAccount.computeIfAbsent(d.account(), a -> new TreeMap<>()).put(d, s));
        Map<Integer, List<AckedEdit>> editsByAccount = new TreeMap<>();
        for (AckedEdit e : acked) editsByAccount.computeIfAbsent(e.device().account(), a -> new ArrayList<>()).add(e);
        List<Violation> violations = new ArrayList<>();
        int divergent = 0;
        java.util.Set<dev.kinbox.persistence.crdt.Dot> lost = new java.util.HashSet<>();
        for (var acc : byAccount.entrySet()) {
            String accountId = roster.accounts().get(acc.getKey()).accountId();
            Map<String, List<String>> groups = new LinkedHashMap<>();
            acc.getValue().forEach((d, s) -> groups.computeIfAbsent(HexFormat.of().formatHex(CODEC.digest(s)), k -> new ArrayList<>())
                    .add(roster.device(d).deviceId()));
            if (groups.size() > 1) {
                int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
                divergent += acc.getValue().size() - largest;
                List<String> described = new ArrayList<>();
                groups.forEach((digest, ids) -> described.add(ids + " digest " + digest.substring(0, 12)));
                violations.add(new Violation("converged", accountId, acc.getValue().keySet().stream()
                        .map(d -> roster.device(d).deviceId()).toList(), List.of(), "digests differ: " + String.join("; ", described)));
            }
            for (var st : acc.getValue().entrySet()) {
                List<String> missing = new ArrayList<>();
                int count = 0;
                for (AckedEdit e : editsByAccount.getOrDefault(acc.getKey(), List.of())) {
                    if (!st.getValue().context().contains(e.dot())) {
                        count++;
                        lost.add(e.dot());
                        if (missing.size() < MAX_DOTS_LISTED) missing.add(e.dot().deviceId() + ":" + e.dot().seq());
                    }
                }
                if (count > 0) {
                    violations.add(new Violation("no_lost_edits", accountId, List.of(roster.device(st.getKey()).deviceId()), missing,
                            count + " acknowledged edit(s) missing on this device" + (count > missing.size() ? " (first " + missing.size() + " listed)" : "")));
                }
            }
        }
        boolean converged = violations.stream().noneMatch(v -> v.invariant().equals("converged"));
        return new Result(converged, divergent, lost.size(), true, violations);
    }

    /** Events a state holds: the sum of its version vector plus its detached dots. */
    public static long eventsHeld(AccountState s) {
        long n = s.context().cloud().size();
        for (long v : s.context().versionVector().values()) n += v;
        return n;
    }
}
