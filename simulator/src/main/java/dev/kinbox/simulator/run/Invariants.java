package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.trace.StateView;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The end-of-run checks over the states of the running devices (a pure function of them):
 * <ul>
 *   <li>{@code converged}: all running devices of an account hold equal state digests;</li>
 *   <li>{@code no_lost_edits}: every acknowledged edit's dot is in the state of every running device of its account,
 *       unless its author is retired there;</li>
 *   <li>{@code own_edits_ordered}: no running device's state holds a device's earlier edit of a register over its later
 *       acknowledged one ({@link OwnEditOrder});</li>
 *   <li>{@code store_bounded}: the most journal messages (entries, snapshots, deletion marks) an account's
 *       mailbox held at any count stays within {@link #storeBound}, which depends on device slots and
 *       the snapshot interval, not on the number of events;</li>
 *   <li>{@code no_forged_applied}: no device's state, at any sample or at the end, holds the hostile provider's
 *       {@link HostileProvider#MARKER} (every entry the provider forges or injects carries it).</li>
 * </ul>
 */
public final class Invariants {
    private static final int MAX_DOTS_LISTED = 20;
    /** Parts of two differing states named in a {@code converged} violation ({@link #firstDifferences}). */
    private static final int MAX_DIFF_LINES = 6;

    /** What the checks found; {@code divergentDevices} counts devices outside the largest agreeing group of their account,
     * {@code lostEdits} the distinct acknowledged edits missing on at least one running device,
     * {@code storeBounded} whether every account's journal messages stayed within the bound,
     * {@code forgedApplied} the devices whose state held the provider's marker at a sample or at the end,
     * {@code withheldMissing} the distinct acknowledged edits missing somewhere only because the provider withheld their entry
     * and their author wrote no snapshot past it yet (not lost: see {@link #check(Roster, Map, List, Observed)}),
     * {@code retiredMissing} the distinct acknowledged edits missing somewhere whose author is retired (removed or expired; one that left in order must have its edits everywhere)
     * in its account: its siblings stop reading it, so what it had not uploaded, or they had not read, when they retired it is
     * gone by design, {@code retiredDevices} the distinct devices some running device's state has as retired,
     * {@code leftMissing} the distinct acknowledged edits missing somewhere whose author left for good before its
     * uploads were confirmed ({@link Observed#unconfirmedLeavers}): the user took the device away with edits on it only,
     * {@code restoredMissing} the distinct acknowledged edits no running device holds whose entry a restore from an older
     * backup lost while its author was not running, and that its author has not uploaded again ({@link Observed#restoredAway}). */
    public record Result(boolean converged, int divergentDevices, int lostEdits, boolean storeBounded, int forgedApplied, int withheldMissing,
                         int retiredMissing, int retiredDevices, int leftMissing, int restoredMissing, List<Violation> violations) {
        public Result { violations = List.copyOf(violations); }

        /** Without edits of retired devices or of devices that left unconfirmed. */
        public Result(boolean converged, int divergentDevices, int lostEdits, boolean storeBounded, int forgedApplied, int withheldMissing,
                      List<Violation> violations) {
            this(converged, divergentDevices, lostEdits, storeBounded, forgedApplied, withheldMissing, 0, 0, 0, 0, violations);
        }

        /** Whether no {@code own_edits_ordered} violation was found ({@link OwnEditOrder}). */
        public boolean ownEditsOrdered() { return violations.stream().noneMatch(v -> v.invariant().equals(OwnEditOrder.NAME)); }

        /** Whether no {@code silent_devices_retired} violation was found. */
        public boolean silentRetired() { return violations.stream().noneMatch(v -> v.invariant().equals(RetirementCheck.NAME)); }

        /** This result with {@code more} violations. */
        public Result with(List<Violation> more) {
            List<Violation> all = new ArrayList<>(violations);
            all.addAll(more);
            return new Result(converged, divergentDevices, lostEdits, storeBounded, forgedApplied, withheldMissing, retiredMissing, retiredDevices,
                    leftMissing, restoredMissing, all);
        }

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

    /** True when {@code s}'s canonical encoding holds {@link HostileProvider#MARKER}: a forged or injected entry was applied. */
    public static boolean holdsForgery(AccountState s) {
        return StateFacts.of(s).forged();
    }

    /**
     * What the run observed besides the final states.
     *
     * @param journalMax       account index -> most journal messages counted in its mailbox ({@code store_bounded})
     * @param bound            the {@code store_bounded} bound ({@link #storeBound})
     * @param forgedOnSamples  devices whose state held the provider's marker at a sample during the run
     * @param withheldUnhealed dots of entries the provider withheld whose author wrote no snapshot past them yet
     * @param unconfirmedLeavers ids of devices that left for good (an orderly {@code Leave}) without their catch-up and
     *                           uploads confirmed in time, or whose leave was cut off
     * @param retiredByNotice    running devices that learnt from a sibling's notice that they were retired
     *                           ({@code Fleet.retirement}): their own state still has them paired, and the siblings
     *                           that retired them may have stopped since, so no running state says so
     * @param restoredAway       dots of entries a restore from an older backup lost while their author was not running,
     *                           that their author has not uploaded again ({@code Fleet.restoredAway})
     * @param leftInOrder        ids of devices that stopped for good with all of it confirmed: a leave ({@code Fleet.Stop.LEAVE})
     *                           with its catch-up, its retirement of itself and its uploads, or an abandoned device
     *                           ({@code Fleet.Stop.CLOSE}) with its uploads. Though retired, their acknowledged edits are
     *                           required everywhere: siblings read a device's journal in order, so a leaver's edits come
     *                           before its retirement; one that retires a device by expiry or learns of a retirement from a
     *                           notice reads its folder to its end first; one that learns it from a sibling's state merges
     *                           all that sibling read of it. Not a device silent for about as long as the limit earlier in the
     *                           run: a sibling may have retired it by expiry then ({@code Runner.inOrder})
     */
    public record Observed(Map<Integer, Long> journalMax, long bound, Set<DeviceRef> forgedOnSamples, Set<Dot> withheldUnhealed,
                           Set<String> unconfirmedLeavers, Set<DeviceRef> retiredByNotice, Set<Dot> restoredAway, Set<String> leftInOrder) {
        public Observed {
            journalMax = Map.copyOf(journalMax);
            forgedOnSamples = Set.copyOf(forgedOnSamples);
            withheldUnhealed = Set.copyOf(withheldUnhealed);
            unconfirmedLeavers = Set.copyOf(unconfirmedLeavers);
            retiredByNotice = Set.copyOf(retiredByNotice);
            restoredAway = Set.copyOf(restoredAway);
            leftInOrder = Set.copyOf(leftInOrder);
        }

        /** No device left in order. */
        public Observed(Map<Integer, Long> journalMax, long bound, Set<DeviceRef> forgedOnSamples, Set<Dot> withheldUnhealed,
                        Set<String> unconfirmedLeavers, Set<DeviceRef> retiredByNotice, Set<Dot> restoredAway) {
            this(journalMax, bound, forgedOnSamples, withheldUnhealed, unconfirmedLeavers, retiredByNotice, restoredAway, Set.of());
        }

        /** Nothing restored away. */
        public Observed(Map<Integer, Long> journalMax, long bound, Set<DeviceRef> forgedOnSamples, Set<Dot> withheldUnhealed,
                        Set<String> unconfirmedLeavers, Set<DeviceRef> retiredByNotice) {
            this(journalMax, bound, forgedOnSamples, withheldUnhealed, unconfirmedLeavers, retiredByNotice, Set.of());
        }

        /** No device left unconfirmed or learnt it was retired. */
        public Observed(Map<Integer, Long> journalMax, long bound, Set<DeviceRef> forgedOnSamples, Set<Dot> withheldUnhealed) {
            this(journalMax, bound, forgedOnSamples, withheldUnhealed, Set.of(), Set.of());
        }

        /** Nothing observed: no mailbox counts, no forgery at a sample, nothing withheld, no leave unconfirmed. */
        public static final Observed NONE = new Observed(Map.of(), Long.MAX_VALUE, Set.of(), Set.of());
    }

    /** As {@link #check(Roster, Map, List, Observed)} with {@link Observed#NONE}. */
    public static Result check(Roster roster, Map<DeviceRef, AccountState> states, List<AckedEdit> acked) {
        return check(roster, states, acked, Observed.NONE);
    }

    /**
     * Every check over {@code states} (the running devices at the end) and what the run {@code observed}.
     * An acknowledged edit missing on a device is lost unless its dot is in
     * {@link Observed#withheldUnhealed}: then it is counted in {@code withheldMissing} instead, and its
     * account's differing digests are not a {@code converged} violation (the protocol heals a withheld
     * entry only with its author's next snapshot). An edit whose author some running device's state has
     * as retired, or that learnt it was retired ({@link Observed#retiredByNotice}), is not required either (counted in
     * {@code retiredMissing}) unless its author stopped for good in order ({@link Observed#leftInOrder}), nor is one whose author left for
     * good before its uploads were confirmed (counted in {@code leftMissing}), nor one that no running device of its
     * account holds and whose entry a restore lost while its author was not running ({@link Observed#restoredAway}:
     * counted in {@code restoredMissing}; one that some device holds should still spread), and a running device that
     * is itself retired in a sibling's state, or learnt it was, is left out of {@code converged} and {@code no_lost_edits}
     * (it receives nothing more; {@code silent_devices_retired} judges whether it should have been retired).
     */
    public static Result check(Roster roster, Map<DeviceRef, AccountState> states, List<AckedEdit> acked, Observed observed) {
        return check(roster, states, acked, observed, new StateFacts());
    }

    /**
     * Whether a running device of {@code account} lacks an event of one of its devices that the provider
     * withheld and no snapshot healed yet: an acknowledged edit, or any other event - a device's
     * activity refresh, a merged state (found by {@code kinbox simulate --seed 5 --hostile-per-day 2
     * --rebuilds-per-day 1 --rebuild-loses 1 --restarts-per-day 1}: a deletion took an entry holding
     * only an activity refresh, and the account's digests differed until the author's next snapshot,
     * which its last 8 events did not reach).
     */
    private static boolean lacksWithheld(Roster roster, int account, java.util.Collection<AccountState> states, Set<Dot> withheld) {
        if (withheld.isEmpty()) return false;
        Set<String> ids = new HashSet<>();
        roster.accounts().get(account).devices().forEach(x -> ids.add(x.deviceId()));
        for (Dot w : withheld) {
            if (!ids.contains(w.deviceId())) continue;
            for (AccountState s : states) if (!s.context().contains(w)) return true;
        }
        return false;
    }

    /**
     * Where the first two devices of {@code states} with differing digests differ ({@link StateView#diff}), at most
     * {@value #MAX_DIFF_LINES} parts: what a failed run's report needs to tell a lagging device from a merge that went
     * wrong (a device lacking events shows as {@code events of X: 1..n | 1..m}) without a trace to replay.
     */
    private static String firstDifferences(Roster roster, Map<DeviceRef, AccountState> states) {
        var devices = List.copyOf(states.keySet());
        DeviceRef a = devices.get(0);
        for (DeviceRef b : devices.subList(1, devices.size())) {
            List<String> lines = StateView.diff(states.get(a), roster.device(a).deviceId(), states.get(b), roster.device(b).deviceId(), id -> id);
            if (lines.size() < 2) continue; // equal
            List<String> parts = lines.subList(1, Math.min(lines.size(), 1 + MAX_DIFF_LINES));
            return "first differences: " + String.join("; ", parts) + (lines.size() - 1 > parts.size() ? "; and " + (lines.size() - 1 - parts.size()) + " more" : "");
        }
        return "first differences: none found on a second look";
    }

    /** As {@link #check(Roster, Map, List, Observed)}, taking digests and forgery marks from {@code facts} (which remembers them per state). */
    static Result check(Roster roster, Map<DeviceRef, AccountState> states, List<AckedEdit> acked, Observed observed, StateFacts facts) {
        Map<Integer, Map<DeviceRef, AccountState>> byAccount = new TreeMap<>();
        states.forEach((d, s) -> byAccount.computeIfAbsent(d.account(), a -> new TreeMap<>()).put(d, s));
        Map<Integer, List<AckedEdit>> editsByAccount = new TreeMap<>();
        for (AckedEdit e : acked) editsByAccount.computeIfAbsent(e.device().account(), a -> new ArrayList<>()).add(e);
        List<Violation> violations = new ArrayList<>();
        int divergent = 0;
        Set<Dot> lost = new HashSet<>();
        Set<Dot> withheldMissing = new HashSet<>();
        Set<Dot> retiredMissing = new HashSet<>();
        Set<Dot> leftMissing = new HashSet<>();
        Set<Dot> restoredMissing = new HashSet<>();
        int retiredDevices = 0;
        for (var acc : byAccount.entrySet()) {
            String accountId = roster.accounts().get(acc.getKey()).accountId();
            Set<DeviceRef> retired = new TreeSet<>();
            acc.getValue().forEach((d, s) -> retired.addAll(RetirementCheck.retiredIn(roster, d, s)));
            for (DeviceRef d : acc.getValue().keySet()) if (observed.retiredByNotice().contains(d)) retired.add(d);
            Set<String> retiredIds = new HashSet<>();
            for (DeviceRef r : retired) retiredIds.add(roster.device(r).deviceId());
            acc.getValue().keySet().removeAll(retired);
            retiredDevices += retired.size();
            boolean unhealed = false;
            List<Violation> lostHere = new ArrayList<>();
            for (var st : acc.getValue().entrySet()) {
                List<String> missing = new ArrayList<>();
                int count = 0;
                for (AckedEdit e : editsByAccount.getOrDefault(acc.getKey(), List.of())) {
                    if (st.getValue().context().contains(e.dot())) continue;
                    if (observed.unconfirmedLeavers().contains(e.dot().deviceId())) { // the more telling reason when it also retired itself
                        leftMissing.add(e.dot());
                        continue;
                    }
                    if (retiredIds.contains(e.dot().deviceId()) && !observed.leftInOrder().contains(e.dot().deviceId())) {
                        retiredMissing.add(e.dot());
                        continue;
                    }
                    if (observed.restoredAway().contains(e.dot()) && acc.getValue().values().stream().noneMatch(s -> s.context().contains(e.dot()))) {
                        restoredMissing.add(e.dot());
                        continue;
                    }
                    if (observed.withheldUnhealed().contains(e.dot())) {
                        withheldMissing.add(e.dot());
                        unhealed = true;
                        continue;
                    }
                    count++;
                    lost.add(e.dot());
                    if (missing.size() < MAX_DOTS_LISTED) missing.add(e.dot().deviceId() + ":" + e.dot().seq());
                }
                lostHere.addAll(OwnEditOrder.check(accountId, roster.device(st.getKey()).deviceId(), st.getValue(),
                        editsByAccount.getOrDefault(acc.getKey(), List.of())));
                if (count > 0) {
                    lostHere.add(new Violation("no_lost_edits", accountId, List.of(roster.device(st.getKey()).deviceId()), missing,
                            count + " acknowledged edit(s) missing on this device" + (count > missing.size() ? " (first " + missing.size() + " listed)" : "")));
                }
            }
            if (!unhealed) unhealed = lacksWithheld(roster, acc.getKey(), acc.getValue().values(), observed.withheldUnhealed());
            Map<String, List<String>> groups = new LinkedHashMap<>();
            acc.getValue().forEach((d, s) -> groups.computeIfAbsent(facts.of(d, s).digest(), k -> new ArrayList<>())
                    .add(roster.device(d).deviceId()));
            if (groups.size() > 1 && !unhealed) {
                int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
                divergent += acc.getValue().size() - largest;
                List<String> described = new ArrayList<>();
                groups.forEach((digest, ids) -> described.add(ids + " digest " + digest.substring(0, 12)));
                violations.add(new Violation("converged", accountId, acc.getValue().keySet().stream()
                        .map(d -> roster.device(d).deviceId()).toList(), List.of(), "digests differ: " + String.join("; ", described)
                        + "; " + firstDifferences(roster, acc.getValue())));
            }
            violations.addAll(lostHere);
        }
        Set<DeviceRef> forged = new TreeSet<>(observed.forgedOnSamples());
        for (var st : new TreeMap<>(states).entrySet()) {
            if (facts.of(st.getKey(), st.getValue()).forged()) forged.add(st.getKey());
        }
        for (DeviceRef d : forged) {
            violations.add(forgery(roster, d, states.containsKey(d) && facts.of(d, states.get(d)).forged() ? "at the end" : "at a sample"));
        }
        boolean bounded = true;
        for (var e : new TreeMap<>(observed.journalMax()).entrySet()) {
            if (e.getValue() <= observed.bound()) continue;
            bounded = false;
            violations.add(overBound(roster, e.getKey(), e.getValue(), observed.bound()));
        }
        boolean converged = violations.stream().noneMatch(v -> v.invariant().equals("converged"));
        return new Result(converged, divergent, lost.size(), bounded, forged.size(), withheldMissing.size(), retiredMissing.size(), retiredDevices,
                leftMissing.size(), restoredMissing.size(), violations);
    }

    /** {@code store_bounded} broken: {@code journal} journal messages in {@code account}'s mailbox, more than {@code bound}. */
    static Violation overBound(Roster roster, int account, long journal, long bound) {
        return new Violation("store_bounded", roster.accounts().get(account).accountId(), List.of(), List.of(),
                journal + " journal messages in the mailbox, more than the bound " + bound);
    }

    /** {@code no_forged_applied} broken: {@code d}'s state held the provider's marker {@code when} ("at a sample", "at the end"). */
    static Violation forgery(Roster roster, DeviceRef d, String when) {
        return new Violation("no_forged_applied", roster.accountId(d), List.of(roster.device(d).deviceId()), List.of(),
                "the device's state held the hostile provider's forged setting (" + HostileProvider.MARKER + ") " + when);
    }

    /** Events a state holds: the sum of its version vector plus its detached dots. */
    public static long eventsHeld(AccountState s) {
        long n = s.context().cloud().size();
        for (long v : s.context().versionVector().values()) n += v;
        return n;
    }
}
