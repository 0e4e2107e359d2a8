package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The invariants that can honestly be judged while the run goes on, and when each was first seen
 * violated. A violation of these stays a violation whatever happens later, so one look suffices:
 * <ul>
 *   <li>{@code no_forged_applied}: a sampled state holds the hostile provider's marker;</li>
 *   <li>{@code store_bounded}: a count of an account's mailbox found more journal messages than the bound;</li>
 *   <li>{@code silent_devices_retired}, its second part: a sampled state has a device retired that
 *       was neither removed (or being removed) nor silent for about as long as the expiry limit by then
 *       ({@link RetirementCheck}, with the same slack as at the end); and its third part, on the pairs the
 *       sampler had time to try: an entry a running device wrote after retiring a device opens with that device's key;</li>
 *   <li>{@code all_steps_executed}: a step the fleet could not carry out.</li>
 * </ul>
 * {@code converged}, {@code no_lost_edits} and the first part of {@code silent_devices_retired} (every
 * silent device retired everywhere) hold only after quiescence: they are judged at the end, and
 * recorded here as first seen then ({@link #atEnd}). Thread-safe.
 */
final class LiveChecks {
    /** The invariants checked during the run. */
    static final List<String> CHECKED_DURING_RUN = List.of("no_forged_applied", "store_bounded", RetirementCheck.NAME, "all_steps_executed");
    static final String STEPS = "all_steps_executed";
    /** Distinct violations remembered (for the report and to know which the final check need not wait for). */
    private static final int MAX_KEPT = 1_000;
    /** Lines announced on the progress output; after these, one line says the rest are in the report. */
    private static final int MAX_ANNOUNCED = 10;

    /**
     * What identifies a violation across looks: the same broken invariant in the same account with the same devices
     * (a step error also by what failed: every failed step is one).
     */
    private record Key(String invariant, String accountId, List<String> devices, String step) {
        static Key of(Violation v) { return new Key(v.invariant(), v.accountId(), v.devices(), v.invariant().equals(STEPS) ? v.detail() : ""); }
    }

    private final Roster roster;
    private final long bound;
    private final DoubleSupplier seconds;
    private final Supplier<Set<DeviceRef>> mayRetire;
    private final Consumer<String> announce;
    private final Map<Key, FirstViolation> seen = new LinkedHashMap<>();
    private final Map<String, FirstViolation> first = new LinkedHashMap<>();
    private volatile String phase = "setup";
    private volatile boolean any;
    private int announced;

    /**
     * @param bound     the {@code store_bounded} bound
     * @param seconds   the run's clock: real seconds since the steps began
     * @param mayRetire the devices that may be retired now (removed, being removed, or silent long enough), asked only after a
     *                  sampled state has some device retired
     * @param announce  where a new violation's {@link FirstViolation#line()} goes at once (the progress output)
     */
    LiveChecks(Roster roster, long bound, DoubleSupplier seconds, Supplier<Set<DeviceRef>> mayRetire, Consumer<String> announce) {
        this.roster = roster;
        this.bound = bound;
        this.seconds = seconds;
        this.mayRetire = mayRetire;
        this.announce = announce;
    }

    void phase(String name) { phase = name; }

    /**
     * The sampled states of the running devices (read before this call); {@code forged}: those of them
     * holding the provider's marker ({@link Invariants#holdsForgery}, which encodes the state: the sampler looks once).
     */
    void states(Map<DeviceRef, AccountState> states, Set<DeviceRef> forged) {
        for (DeviceRef d : new java.util.TreeSet<>(forged)) record(Invariants.forgery(roster, d, "at a sample"));
        boolean anyRetired = false;
        for (var e : states.entrySet()) {
            if (!RetirementCheck.retiredIn(roster, e.getKey(), e.getValue()).isEmpty()) {
                anyRetired = true;
                break;
            }
        }
        if (anyRetired) prematureRetirements(roster, states, mayRetire.get()).forEach(this::record);
    }

    /** What the sampler found trying retired devices' keys on their siblings' folders. */
    void audits(List<RetirementCheck.Audit> audits) {
        if (!audits.isEmpty()) RetirementCheck.check(roster, Map.of(), Map.of(), Set.of(), Set.of(), Map.of(), audits).forEach(this::record);
    }

    /** A count of {@code account}'s mailbox found {@code journal} journal messages. */
    void storeCount(int account, long journal) {
        overBound(roster, account, journal, bound).ifPresent(this::record);
    }

    /** A step the fleet could not carry out ({@code device} null when no one device is involved). */
    void stepError(DeviceRef device, String what) {
        record(device == null ? new Violation(STEPS, "", List.of(), List.of(), what)
                : new Violation(STEPS, roster.accountId(device), List.of(roster.device(device).deviceId()), List.of(), what));
    }

    /** The final check's violations: those not seen during the run are recorded as first seen at the end (not announced). */
    void atEnd(List<Violation> violations) {
        phase = "end";
        for (Violation v : violations) record(v, false);
    }

    /** Whether anything was seen violated so far. */
    boolean any() { return any; }

    /** Whether {@code v} (same invariant, account and devices) was seen during the run: it cannot heal by waiting. */
    synchronized boolean seen(Violation v) {
        FirstViolation f = seen.get(Key.of(v));
        return f != null && !f.phase().equals("end");
    }

    /** The violations seen during the run (not at the end), in the order seen. */
    synchronized List<Violation> duringRun() {
        List<Violation> out = new ArrayList<>();
        for (FirstViolation f : seen.values()) if (!f.phase().equals("end")) out.add(f.violation());
        return out;
    }

    /** Those of the violations seen during the run that {@code found} has not (same invariant, account and devices). */
    synchronized List<Violation> notIn(List<Violation> found) {
        Set<Key> there = new java.util.HashSet<>();
        for (Violation v : found) there.add(Key.of(v));
        List<Violation> out = new ArrayList<>();
        for (Violation v : duringRun()) if (!there.contains(Key.of(v))) out.add(v);
        return out;
    }

    /** Per invariant the first violation seen, in the order seen. */
    synchronized List<FirstViolation> firsts() { return List.copyOf(first.values()); }

    private void record(Violation v) { record(v, true); }

    private synchronized void record(Violation v, boolean loud) {
        Key k = Key.of(v);
        if (seen.containsKey(k) || seen.size() >= MAX_KEPT && first.containsKey(v.invariant())) return;
        FirstViolation f = new FirstViolation(seconds.getAsDouble(), phase, v);
        seen.put(k, f);
        first.putIfAbsent(v.invariant(), f);
        if (loud) {
            if (announced < MAX_ANNOUNCED) announce.accept(f.line());
            else if (announced == MAX_ANNOUNCED) announce.accept("further violations are not printed here: see the summary and report.json");
            announced++;
        }
        any = true; // after the line: a run stopping at it says so after the violation, not before
    }

    /** {@code journal} messages in {@code account}'s mailbox over {@code bound}. */
    static Optional<Violation> overBound(Roster roster, int account, long journal, long bound) {
        return journal <= bound ? Optional.empty() : Optional.of(Invariants.overBound(roster, account, journal, bound));
    }

    /** Devices retired in some state though not in {@code mayRetire} (the second part of {@link RetirementCheck}). */
    static List<Violation> prematureRetirements(Roster roster, Map<DeviceRef, AccountState> states, Set<DeviceRef> mayRetire) {
        return RetirementCheck.check(roster, Map.of(), states, Set.of(), mayRetire, Map.of(), List.of());
    }
}
