package dev.kinbox.simulator.workload;

import java.time.Duration;

/**
 * What a schedule is generated from (besides the seed). Rates are per simulated day: per device for
 * edits, crashes and offline spells, per account for joins, leaves and hostile provider acts.
 *
 * @param accounts          number of accounts (1..100,000)
 * @param minDevices        fewest devices an account starts with (1..)
 * @param maxDevices        most devices an account has running at once (>= minDevices, <= 64)
 * @param period            simulated time the schedule spans (real duration x time scale)
 * @param editsPerDay       edits per running device per simulated day
 * @param joinsPerDay       new devices per account per simulated day (while below maxDevices)
 * @param leavesPerDay      orderly removals per account per simulated day (while above one device)
 * @param crashesPerDay     crash-restarts per device per simulated day
 * @param offlinePerDay     offline spells per device per simulated day
 * @param maxOffline        longest offline spell (simulated)
 * @param hostilePerDay     hostile provider acts per account per simulated day ({@link HostileAct}, on a folder of a device that has joined)
 * @param maxSteps          refuse to generate a schedule longer than this
 * @param removalsPerDay    forced removals per account per simulated day ({@link Step.Remove}: a running, online
 *                          device removes another live one; while more than one device is live)
 */
public record WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay,
                              double joinsPerDay, double leavesPerDay, double crashesPerDay, double offlinePerDay,
                              Duration maxOffline, double hostilePerDay, int maxSteps, double removalsPerDay) {
    /** Every device slot an account may ever use: its largest running set plus this many joiners. */
    public static final int EXTRA_SLOTS = 2;

    public WorkloadOptions {
        if (accounts < 1 || accounts > 100_000) throw new IllegalArgumentException("accounts must be 1..100000");
        if (minDevices < 1 || maxDevices < minDevices || maxDevices > 64) {
            throw new IllegalArgumentException("devices per account must be a range 1 <= min <= max <= 64");
        }
        if (period == null || period.isNegative() || period.isZero()) throw new IllegalArgumentException("period must be positive");
        for (double r : new double[] {editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, hostilePerDay, removalsPerDay}) {
            if (!(r >= 0 && r <= 1_000_000)) throw new IllegalArgumentException("rates must be 0..1000000 per day");
        }
        if (maxOffline == null || maxOffline.isNegative()) throw new IllegalArgumentException("maxOffline must be >= 0");
        if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be positive");
    }

    /** As the canonical constructor, without forced removals. */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, 0);
    }

    /** Device slots per account: {@code maxDevices + EXTRA_SLOTS}. */
    public int slotsPerAccount() { return maxDevices + EXTRA_SLOTS; }
}
