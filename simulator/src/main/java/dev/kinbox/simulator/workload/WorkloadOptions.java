package dev.kinbox.simulator.workload;

import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

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
 * @param faults            network faults, incoming mail and clock skew ({@link Faults#NONE}: none)
 * @param deviceWeights     how an account's devices at the start are drawn: empty for uniformly from
 *                          {@code minDevices..maxDevices}; else one weight (>= 0, relative) per count from
 *                          {@code minDevices} to {@code maxDevices}, those of both ends positive
 * @param rotateKeyOnRemoval every account turns on key rotation on removal ({@code Muaa.ROTATE_KEY_ON_REMOVAL}) with
 *                          its first step, an edit of its first device at time zero
 * @param editMix           what the user's edits are ({@link EditMix#DEFAULT}: 5 setting changes, 2 new contacts and
 *                          3 contact field changes in 10)
 * @param abandonsPerDay    devices put away for good without leaving per account per simulated day ({@link Step.Abandon};
 *                          while above one device): their siblings retire them once they are silent past the expiry
 * @param abandonReturns    the share (0..1) of abandoned devices switched on again ({@link Step.Return}): half of them
 *                          after an absence drawn uniformly up to half of {@code expireAfter} (never retired: silent less
 *                          than its expiry even counted from its last refresh, a quarter of it before), the others
 *                          late, from 1.25 to 1.75 times it (retired by then; their siblings' notice still there, which
 *                          goes once it is {@code expireAfter} old); one due after the period, or early while its
 *                          account runs {@code maxDevices}, stays away
 * @param expireAfter       the devices' expiry (simulated; positive when {@code abandonReturns} is)
 */
public record WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay,
                              double joinsPerDay, double leavesPerDay, double crashesPerDay, double offlinePerDay,
                              Duration maxOffline, double hostilePerDay, int maxSteps, double removalsPerDay, Faults faults,
                              List<Integer> deviceWeights, boolean rotateKeyOnRemoval, EditMix editMix, double abandonsPerDay,
                              double abandonReturns, Duration expireAfter) {
    /**
     * The relative weights of the user's edit kinds: a setting changed ({@link Change.SetSetting}), a
     * contact created ({@link Change.CreateContact}) and a contact's field changed
     * ({@link Change.EditContact}; while the account has no contact yet, one is created instead).
     * Each 0..1,000; not all 0. The default draws exactly as the workload did before the mix was an
     * option, so older seeds give the same schedules.
     */
    public record EditMix(int settings, int contacts, int fields) {
        public static final EditMix DEFAULT = new EditMix(5, 2, 3);

        public EditMix {
            for (int w : new int[] {settings, contacts, fields}) {
                if (w < 0 || w > 1_000) throw new IllegalArgumentException("edit mix weights must be 0..1000");
            }
            if (settings + contacts + fields == 0) throw new IllegalArgumentException("edit mix weights must not all be 0");
        }

        /** The sum of the weights. */
        public int total() { return settings + contacts + fields; }
    }

    /** No device abandoned (as before {@link Step.Abandon} existed: a seed gives the schedule it gave then). */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay, Faults faults, List<Integer> deviceWeights, boolean rotateKeyOnRemoval,
                           EditMix editMix) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, editMix, 0);
    }

    /** With the default edit mix. */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay, Faults faults, List<Integer> deviceWeights, boolean rotateKeyOnRemoval) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, EditMix.DEFAULT);
    }

    /**
     * What the network, the server, the outside world and the devices' clocks add to a run. Rates
     * are per simulated day; 0 turns a kind off.
     *
     * @param dropsPerDay     dropped connections per running device ({@link Step.Drop})
     * @param restartsPerDay  server restarts per account ({@link Step.ServerRestart})
     * @param incomingPerDay  incoming mails with Autocrypt headers per running device ({@link Change.IncomingMail})
     * @param latencyMillis   mean delay of every mail store operation (exponentially distributed; 0: none)
     * @param maxSkewMillis   largest clock offset of a device, either way ({@link Workload#clockSkew}; 0: none)
     * @param gossipShare     share (0..1) of the incoming mails that are encrypted group mails with gossip
     *                        ({@link Change.GossipMail}); drawn from a stream of its own, so it changes no other step
     * @param clockResetsPerDay how often a device's clock is reset to a new offset within the skew, drifting in between
     *                        ({@link DeviceClocks}; 0: fixed offsets); no schedule step, so it changes no step of a seed
     * @param rebuildsPerDay  folder rebuilds per account ({@link Step.FolderRebuild}: the server comes back from a restore
     *                        with one device folder under a new UIDVALIDITY, its messages renumbered in another order)
     * @param rebuildNewestLost how many of the rebuilt folder's newest messages the restore lacks (a backup older than
     *                        them; 0..{@value #MAX_NEWEST_LOST}); no schedule step, so it changes no step of a seed
     */
    public record Faults(double dropsPerDay, double restartsPerDay, double incomingPerDay, long latencyMillis, long maxSkewMillis,
                         double gossipShare, double clockResetsPerDay, double rebuildsPerDay, int rebuildNewestLost) {
        /** No faults, no incoming mail, exact clocks. */
        public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 0, 0);
        /** The most messages a rebuild may lose. */
        public static final int MAX_NEWEST_LOST = 1000;

        /** Rebuilds that lose nothing (as before losses existed). */
        public Faults(double dropsPerDay, double restartsPerDay, double incomingPerDay, long latencyMillis, long maxSkewMillis,
                      double gossipShare, double clockResetsPerDay, double rebuildsPerDay) {
            this(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, clockResetsPerDay, rebuildsPerDay, 0);
        }

        /** Without folder rebuilds (as before they existed). */
        public Faults(double dropsPerDay, double restartsPerDay, double incomingPerDay, long latencyMillis, long maxSkewMillis,
                      double gossipShare, double clockResetsPerDay) {
            this(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, clockResetsPerDay, 0);
        }

        /** Clocks with fixed offsets (as before resets existed). */
        public Faults(double dropsPerDay, double restartsPerDay, double incomingPerDay, long latencyMillis, long maxSkewMillis,
                      double gossipShare) {
            this(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, 0);
        }

        /** Without gossip mail (as before it existed). */
        public Faults(double dropsPerDay, double restartsPerDay, double incomingPerDay, long latencyMillis, long maxSkewMillis) {
            this(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, 0);
        }

        /** These faults with {@code share} of the incoming mails gossip mails. */
        public Faults withGossipShare(double share) {
            return new Faults(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, share, clockResetsPerDay, rebuildsPerDay,
                    rebuildNewestLost);
        }

        /** These faults with every device's clock reset {@code perDay} times a simulated day ({@link DeviceClocks}). */
        public Faults withClockResets(double perDay) {
            return new Faults(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, perDay, rebuildsPerDay,
                    rebuildNewestLost);
        }

        /** These faults with {@code perDay} folder rebuilds per account a simulated day ({@link Step.FolderRebuild}). */
        public Faults withRebuilds(double perDay) {
            return new Faults(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, clockResetsPerDay, perDay,
                    rebuildNewestLost);
        }

        /** These faults with each folder rebuild restoring from a backup without the folder's {@code newestLost} newest messages. */
        public Faults withRebuildNewestLost(int newestLost) {
            return new Faults(dropsPerDay, restartsPerDay, incomingPerDay, latencyMillis, maxSkewMillis, gossipShare, clockResetsPerDay,
                    rebuildsPerDay, newestLost);
        }

        public Faults {
            if (!(gossipShare >= 0 && gossipShare <= 1)) throw new IllegalArgumentException("the gossip share must be 0..1");
            for (double r : new double[] {dropsPerDay, restartsPerDay, incomingPerDay, clockResetsPerDay, rebuildsPerDay}) {
                if (!(r >= 0 && r <= 1_000_000)) throw new IllegalArgumentException("rates must be 0..1000000 per day");
            }
            if (latencyMillis < 0 || latencyMillis > 60_000) throw new IllegalArgumentException("latency must be 0..60s");
            if (maxSkewMillis < 0 || maxSkewMillis > 366L * 86_400_000L) throw new IllegalArgumentException("clock skew must be 0..366d");
            if (rebuildNewestLost < 0 || rebuildNewestLost > MAX_NEWEST_LOST) {
                throw new IllegalArgumentException("a rebuild loses 0.." + MAX_NEWEST_LOST + " messages");
            }
        }
    }

    /** Without key rotation on removal. */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay, Faults faults, List<Integer> deviceWeights) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, false);
    }

    /** Devices at the start drawn uniformly from {@code minDevices..maxDevices}. */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay, Faults faults) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, faults, List.of());
    }

    /** Without forced removals and without faults (as before either existed). */
    /** No abandoned device returns (as before {@link Step.Return} existed: a seed gives the schedule it gave then). */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay, Faults faults, List<Integer> deviceWeights, boolean rotateKeyOnRemoval,
                           EditMix editMix, double abandonsPerDay) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, editMix, abandonsPerDay, 0, Duration.ZERO);
    }

    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, 0, Faults.NONE);
    }

    /** With forced removals, without faults. */
    public WorkloadOptions(int accounts, int minDevices, int maxDevices, Duration period, double editsPerDay, double joinsPerDay,
                           double leavesPerDay, double crashesPerDay, double offlinePerDay, Duration maxOffline, double hostilePerDay,
                           int maxSteps, double removalsPerDay) {
        this(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, maxOffline,
                hostilePerDay, maxSteps, removalsPerDay, Faults.NONE);
    }

    /** These options with {@code f} as faults. */
    public WorkloadOptions withFaults(Faults f) {
        return new WorkloadOptions(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay,
                offlinePerDay, maxOffline, hostilePerDay, maxSteps, removalsPerDay, f, deviceWeights, rotateKeyOnRemoval, editMix, abandonsPerDay, abandonReturns, expireAfter);
    }

    /** These options with key rotation on removal turned on in every account, or not. */
    public WorkloadOptions withKeyRotation(boolean on) {
        return new WorkloadOptions(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay,
                offlinePerDay, maxOffline, hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, on, editMix, abandonsPerDay, abandonReturns, expireAfter);
    }

    /** These options with the user's edits drawn by {@code mix}. */
    public WorkloadOptions withEditMix(EditMix mix) {
        return new WorkloadOptions(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay,
                offlinePerDay, maxOffline, hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, mix, abandonsPerDay, abandonReturns, expireAfter);
    }

    /** These options with {@code perDay} devices abandoned per account per simulated day ({@link Step.Abandon}). */
    public WorkloadOptions withAbandons(double perDay) {
        return new WorkloadOptions(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay,
                offlinePerDay, maxOffline, hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, editMix, perDay,
                abandonReturns, expireAfter);
    }

    /** These options with the share {@code share} of abandoned devices back ({@link Step.Return}), around the expiry {@code expireAfter}. */
    public WorkloadOptions withReturns(double share, Duration expireAfter) {
        return new WorkloadOptions(accounts, minDevices, maxDevices, period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay,
                offlinePerDay, maxOffline, hostilePerDay, maxSteps, removalsPerDay, faults, deviceWeights, rotateKeyOnRemoval, editMix, abandonsPerDay,
                share, expireAfter);
    }

    /**
     * An account's devices at the start, drawn with {@code r}: uniformly with one {@code nextInt}
     * (as before weights existed, so older seeds give the same schedule), else by the weights.
     */
    public int initialDevices(RandomGenerator r) {
        if (deviceWeights.isEmpty()) return minDevices + r.nextInt(maxDevices - minDevices + 1);
        long total = 0;
        for (int w : deviceWeights) total += w;
        long pick = r.nextLong(total);
        for (int i = 0; i < deviceWeights.size(); i++) {
            pick -= deviceWeights.get(i);
            if (pick < 0) return minDevices + i;
        }
        throw new IllegalStateException("weights sum to " + total); // unreachable: pick < total
    }

    /** Every device slot an account may ever use: its largest running set plus this many joiners. */
    public static final int EXTRA_SLOTS = 2;

    public WorkloadOptions {
        if (accounts < 1 || accounts > 100_000) throw new IllegalArgumentException("accounts must be 1..100000");
        if (minDevices < 1 || maxDevices < minDevices || maxDevices > 64) {
            throw new IllegalArgumentException("devices per account must be a range 1 <= min <= max <= 64");
        }
        if (period == null || period.isNegative() || period.isZero()) throw new IllegalArgumentException("period must be positive");
        for (double r : new double[] {editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay, hostilePerDay, removalsPerDay,
                abandonsPerDay}) {
            if (!(r >= 0 && r <= 1_000_000)) throw new IllegalArgumentException("rates must be 0..1000000 per day");
        }
        if (maxOffline == null || maxOffline.isNegative()) throw new IllegalArgumentException("maxOffline must be >= 0");
        if (!(abandonReturns >= 0 && abandonReturns <= 1)) throw new IllegalArgumentException("the share of abandoned devices that return must be 0..1");
        if (expireAfter == null || expireAfter.isNegative() || abandonReturns > 0 && expireAfter.toMillis() < 4) {
            throw new IllegalArgumentException("the expiry returning devices come back around must be positive");
        }
        if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be positive");
        if (faults == null) throw new IllegalArgumentException("faults must be given (Faults.NONE for none)");
        if (editMix == null) throw new IllegalArgumentException("the edit mix must be given (EditMix.DEFAULT)");
        deviceWeights = deviceWeights == null ? List.of() : List.copyOf(deviceWeights);
        if (!deviceWeights.isEmpty()) {
            if (deviceWeights.size() != maxDevices - minDevices + 1) {
                throw new IllegalArgumentException("device weights: one per count from " + minDevices + " to " + maxDevices);
            }
            for (int w : deviceWeights) {
                if (w < 0 || w > 1_000_000) throw new IllegalArgumentException("device weights must be 0..1000000");
            }
            if (deviceWeights.get(0) == 0 || deviceWeights.get(deviceWeights.size() - 1) == 0) {
                throw new IllegalArgumentException("device weights: the fewest and the most devices must have positive weights");
            }
        }
    }

    /** Device slots per account: {@code maxDevices + EXTRA_SLOTS}. */
    public int slotsPerAccount() { return maxDevices + EXTRA_SLOTS; }
}
