package dev.kinbox.simulator.trace;

import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

/**
 * What a simulation run recorded, enough to rebuild every device's state at any point of its
 * journal and to check the run again: the seed and workload options (the schedule is
 * {@code Workload.generate} of them, and {@code scheduleDigest} pins it), what became of each step,
 * and per device its journal (own and replicated entries, in {@link dev.kinbox.persistence.KinboxCodec}'s
 * canonical encoding) with its final state digest. Stored by {@link TraceFile}.
 *
 * @param seed           the workload seed
 * @param workload       the workload options
 * @param scheduleSteps  steps the schedule had
 * @param scheduleDigest SHA-256 of the schedule ({@link #digestOf})
 * @param store          {@code memory} or {@code greenmail}
 * @param timeScale      simulated time per real time
 * @param steps          what became of each step the runner reached, by schedule index
 * @param accounts       per account, every device slot that ran
 * @param violations     the invariants that failed, one line each (empty when all held)
 */
public record Trace(long seed, Workload workload, int scheduleSteps, byte[] scheduleDigest, String store, double timeScale,
                    List<StepRecord> steps, List<Account> accounts, List<String> violations) {
    public Trace {
        steps = List.copyOf(steps);
        accounts = List.copyOf(accounts);
        violations = List.copyOf(violations);
    }

    /** {@link WorkloadOptions} in plain numbers (durations in milliseconds). */
    public record Workload(int accounts, int minDevices, int maxDevices, long periodMillis, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, long maxOfflineMillis, double hostilePerDay,
                           int maxSteps, double removalsPerDay, WorkloadOptions.Faults faults, List<Integer> deviceWeights,
                           boolean rotateKeyOnRemoval, WorkloadOptions.EditMix editMix, double abandonsPerDay, double abandonReturns,
                           long expireAfterMillis) {
        public static Workload of(WorkloadOptions o) {
            return new Workload(o.accounts(), o.minDevices(), o.maxDevices(), o.period().toMillis(), o.editsPerDay(), o.joinsPerDay(),
                    o.leavesPerDay(), o.crashesPerDay(), o.offlinePerDay(), o.maxOffline().toMillis(), o.hostilePerDay(), o.maxSteps(),
                    o.removalsPerDay(), o.faults(), o.deviceWeights(), o.rotateKeyOnRemoval(), o.editMix(), o.abandonsPerDay(),
                    o.abandonReturns(), o.expireAfter().toMillis());
        }

        /** The options again; {@link IllegalArgumentException} when they are out of range. */
        public WorkloadOptions options() {
            return new WorkloadOptions(accounts, minDevices, maxDevices, Duration.ofMillis(periodMillis), editsPerDay, joinsPerDay,
                    leavesPerDay, crashesPerDay, offlinePerDay, Duration.ofMillis(maxOfflineMillis), hostilePerDay, maxSteps, removalsPerDay,
                    faults, deviceWeights, rotateKeyOnRemoval, editMix, abandonsPerDay, abandonReturns, Duration.ofMillis(expireAfterMillis));
        }
    }

    /**
     * What became of schedule step {@code index}: carried out {@code atMillis} real milliseconds after
     * the steps began (0 for the initial joins), and {@code outcome}: {@code done}, {@code acked <dot>}
     * for an acknowledged edit, or what went wrong.
     */
    public record StepRecord(int index, long atMillis, String outcome) {}

    /** One account and its devices that ran. */
    public record Account(int index, String accountId, List<Device> devices) {
        public Account { devices = List.copyOf(devices); }
    }

    /**
     * One device: its slot and id, its final state digest and its journal. {@code live}: the digest is
     * the one its MUAA reported at the end (it was running); otherwise (it had left or crashed, or
     * its state could not be read) it is its journal's, computed when the trace was recorded.
     */
    public record Device(int slot, String deviceId, boolean live, byte[] digest, List<Entry> journal) {
        public Device { journal = List.copyOf(journal); }
    }

    /** One journal entry: sequence number, {@code merged} (a whole state) or an event, canonical bytes. */
    public record Entry(long seq, boolean merged, byte[] bytes) {}

    /** SHA-256 over the steps of {@code s}, one line each: equal digests, equal schedules. */
    public static byte[] digestOf(Schedule s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Step step : s.steps()) md.update((step + "\n").getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
