package dev.kinbox.simulator.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Generates the schedule of a run as a pure function of a seed and {@link WorkloadOptions}: same
 * inputs, same steps, on any machine. Each account evolves on its own random stream (split from the
 * seed in account order) as competing exponential clocks - edits, crashes and offline spells per
 * device, joins, leaves, abandoned devices and hostile provider acts per account - over simulated time; crashes and offline spells end after a
 * random time (a restart within ten simulated minutes, back online within {@code maxOffline}), and
 * whatever is still open at the end of the period ends there; an abandoned device that returns
 * ({@code abandonReturns}) does so well before or well after its expiry, or not within the run. An account always keeps at least one
 * device running and never runs more than {@code maxDevices}.
 */
public final class Workload {
    private static final long DAY_MS = 86_400_000L;
    private static final long MAX_DOWN_MS = 600_000L;
    private static final int SETTING_KEYS = 20;
    private static final String[] FIELDS = {"name", "note", "phone"};
    private static final HostileAct[] HOSTILE_ACTS = HostileAct.values();
    /** Peers whose mail arrives ({@link Change.IncomingMail}); the fleet generates their keys once per run. */
    public static final int PEERS = 4;
    /** Keys per peer: a peer rotates to its next key at most this many times minus one. */
    public static final int KEY_GENERATIONS = 2;
    private static final int ROTATE_ONE_IN = 10;
    /** Of the gossip mails ({@link Change.GossipMail}) one in this many is damaged: undecryptable or malformed, evenly. */
    public static final int DAMAGED_ONE_IN = 10;

    private enum Life { NEW, RUNNING, OFFLINE, DOWN, LEFT, REMOVED }

    private Workload() {}

    /** The schedule for {@code seed}; {@link IllegalArgumentException} if it would exceed {@code maxSteps}. */
    public static Schedule generate(long seed, WorkloadOptions o) {
        SplittableRandom root = new SplittableRandom(seed);
        List<Step> all = new ArrayList<>();
        for (int a = 0; a < o.accounts(); a++) {
            new AccountGen(a, root.split(), gossipStream(seed, a), o, all).run();
        }
        // stable: ties keep account order, then generation order; but every account's joins at the start come before
        // any other step at the start (an account's first setting edit), since the runner sets up the leading joins
        all.sort(Comparator.comparingLong(Step::at).thenComparingInt(s -> s.at() == 0 && s instanceof Step.Join ? 0 : 1));
        return new Schedule(seed, o, all);
    }

    /**
     * The clock offset of device {@code d} in a run of {@code seed}: uniform in
     * {@code [-maxSkewMillis, maxSkewMillis]}, a pure function of its arguments (0 when the maximum is 0).
     */
    public static long clockSkew(long seed, DeviceRef d, long maxSkewMillis) {
        if (maxSkewMillis <= 0) return 0;
        SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (d.account() * 131L + d.slot() + 1)));
        return r.nextLong(-maxSkewMillis, maxSkewMillis + 1);
    }

    /**
     * Account {@code account}'s stream for the gossip decisions: apart from the account's main stream, so
     * turning gossip on or changing its share leaves every other step of a seed as it was.
     */
    private static SplittableRandom gossipStream(long seed, int account) {
        return new SplittableRandom(seed * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L * (account + 1L));
    }

    /** The life of one account. */
    private static final class AccountGen {
        private final int account;
        private final SplittableRandom r;
        private final SplittableRandom gossip;
        private final WorkloadOptions o;
        private final List<Step> out;
        private final Life[] life;
        private final long periodMs;
        private final PriorityQueue<Step> pending = new PriorityQueue<>(Comparator.comparingLong(Step::at).thenComparing(Step::device));
        private int contacts;
        private int edits;
        private final int[] peerKey = new int[PEERS];

        AccountGen(int account, SplittableRandom r, SplittableRandom gossip, WorkloadOptions o, List<Step> out) {
            this.account = account;
            this.r = r;
            this.gossip = gossip;
            this.o = o;
            this.out = out;
            this.life = new Life[o.slotsPerAccount()];
            java.util.Arrays.fill(life, Life.NEW);
            this.periodMs = o.period().toMillis();
        }

        void run() {
            int initial = o.initialDevices(r);
            for (int s = 0; s < initial; s++) emit(new Step.Join(0, dev(s)));
            if (o.rotateKeyOnRemoval()) emit(new Step.Edit(0, dev(0), new Change.SetSetting(dev.kinbox.actors.muaa.Muaa.ROTATE_KEY_ON_REMOVAL, "true")));
            long t = 0;
            while (true) {
                double perDay = 0;
                for (Kind k : Kind.values()) perDay += rate(k);
                long next = perDay <= 0 ? Long.MAX_VALUE : t + Math.max(1, (long) (-Math.log(1 - r.nextDouble()) / perDay * DAY_MS));
                Step due = pending.peek();
                if (due != null && due.at() <= next && due.at() < periodMs) {
                    t = due.at();
                    pending.poll();
                    // one back to carry on in an account running its most devices stays away; a late one (retired) takes no place
                    if (!(due instanceof Step.Return back && !back.late() && live() >= o.maxDevices())) emit(due);
                    continue;
                }
                if (next >= periodMs) break;
                t = next;
                fire(pick(perDay), t);
            }
            while (!pending.isEmpty()) {
                Step s = pending.poll();
                if (s instanceof Step.Return) continue; // back after the period: not within the run
                emit(s instanceof Step.Online ? new Step.Online(periodMs, s.device()) : new Step.Restart(periodMs, s.device()));
            }
        }

        /**
         * New kinds go last: with their rates at 0 a seed gives the schedule it gave before they existed
         * (the faults came first, forced removals after them).
         */
        private enum Kind { EDIT, CRASH, OFFLINE, JOIN, LEAVE, HOSTILE, DROP, RESTART, INCOMING, REMOVE, REBUILD, ABANDON }

        private double rate(Kind k) {
            return switch (k) {
                case EDIT -> o.editsPerDay() * (count(Life.RUNNING) + count(Life.OFFLINE));
                case CRASH -> o.crashesPerDay() * count(Life.RUNNING);
                case OFFLINE -> o.offlinePerDay() * count(Life.RUNNING);
                // a newcomer pairs with a running, online sibling
                case JOIN -> live() < o.maxDevices() && count(Life.NEW) > 0 && count(Life.RUNNING) > 0 ? o.joinsPerDay() : 0;
                case LEAVE -> live() > 1 && count(Life.RUNNING) > 0 ? o.leavesPerDay() : 0;
                case HOSTILE -> o.hostilePerDay();
                case DROP -> o.faults().dropsPerDay() * count(Life.RUNNING);
                case RESTART -> o.faults().restartsPerDay();
                case INCOMING -> o.faults().incomingPerDay() * (count(Life.RUNNING) + count(Life.OFFLINE));
                case REMOVE -> live() > 1 && count(Life.RUNNING) > 0 ? o.removalsPerDay() : 0;
                case REBUILD -> o.faults().rebuildsPerDay();
                case ABANDON -> live() > 1 && count(Life.RUNNING) > 0 ? o.abandonsPerDay() : 0;
            };
        }

        private Kind pick(double perDay) {
            double x = r.nextDouble() * perDay;
            for (Kind k : Kind.values()) {
                x -= rate(k);
                if (x < 0) return k;
            }
            return Kind.EDIT;
        }

        private void fire(Kind k, long t) {
            switch (k) {
                case EDIT -> emit(new Step.Edit(t, dev(any(Life.RUNNING, Life.OFFLINE)), change()));
                case CRASH -> {
                    int s = any(Life.RUNNING, Life.RUNNING);
                    emit(new Step.Crash(t, dev(s)));
                    pending.add(new Step.Restart(t + 1 + r.nextLong(MAX_DOWN_MS), dev(s)));
                }
                case OFFLINE -> {
                    int s = any(Life.RUNNING, Life.RUNNING);
                    emit(new Step.Offline(t, dev(s)));
                    pending.add(new Step.Online(t + 1 + r.nextLong(Math.max(1, o.maxOffline().toMillis())), dev(s)));
                }
                case JOIN -> emit(new Step.Join(t, dev(first(Life.NEW))));
                case LEAVE -> emit(new Step.Leave(t, dev(any(Life.RUNNING, Life.RUNNING))));
                case HOSTILE -> emit(new Step.Hostile(t, dev(joined()), HOSTILE_ACTS[r.nextInt(HOSTILE_ACTS.length)]));
                case DROP -> emit(new Step.Drop(t, dev(any(Life.RUNNING, Life.RUNNING))));
                case RESTART -> emit(new Step.ServerRestart(t, dev(joined())));
                case INCOMING -> emit(new Step.Edit(t, dev(any(Life.RUNNING, Life.OFFLINE)), incoming()));
                case REMOVE -> {
                    int by = any(Life.RUNNING, Life.RUNNING);
                    emit(new Step.Remove(t, dev(anyLiveBut(by)), dev(by)));
                }
                case REBUILD -> emit(new Step.FolderRebuild(t, dev(joined())));
                case ABANDON -> {
                    int s = any(Life.RUNNING, Life.RUNNING);
                    emit(new Step.Abandon(t, dev(s)));
                    // drawn only when returns are on: without them a seed gives the schedule it gave before they existed
                    if (o.abandonReturns() > 0 && r.nextDouble() < o.abandonReturns()) {
                        long e = o.expireAfter().toMillis();
                        boolean late = r.nextBoolean();
                        long away = late ? e * 5 / 4 + r.nextLong(e / 2 + 1) : 1 + r.nextLong(e / 2);
                        pending.add(new Step.Return(t + away, dev(s), late));
                    }
                }
            }
        }

        /**
         * A mail from a uniformly chosen peer; one in {@link #ROTATE_ONE_IN} comes with the peer's next key (while it has one).
         * The share {@code gossipShare} of them, drawn from the gossip stream, are group mails with gossip ({@link #gossipMail}).
         */
        private Change incoming() {
            int p = r.nextInt(PEERS);
            if (peerKey[p] < KEY_GENERATIONS - 1 && r.nextInt(ROTATE_ONE_IN) == 0) peerKey[p]++;
            boolean mutual = r.nextBoolean();
            double share = o.faults().gossipShare();
            if (share > 0 && gossip.nextDouble() < share) return gossipMail(p, mutual);
            return new Change.IncomingMail(p, peerKey[p], mutual);
        }

        /**
         * Peer {@code p} writes to the account and to each other peer with probability 1/2 (at least one),
         * gossiping the keys this account's schedule has them on; one in {@link #DAMAGED_ONE_IN} is damaged.
         */
        private Change gossipMail(int p, boolean mutual) {
            List<Change.GossipMail.Recipient> cc = new ArrayList<>();
            for (int q = 0; q < PEERS; q++) {
                if (q != p && gossip.nextBoolean()) cc.add(new Change.GossipMail.Recipient(q, peerKey[q]));
            }
            if (cc.isEmpty()) {
                int q = (p + 1 + gossip.nextInt(PEERS - 1)) % PEERS;
                cc.add(new Change.GossipMail.Recipient(q, peerKey[q]));
            }
            Change.GossipMail.Damage damage = Change.GossipMail.Damage.NONE;
            if (gossip.nextInt(DAMAGED_ONE_IN) == 0) {
                damage = gossip.nextBoolean() ? Change.GossipMail.Damage.UNDECRYPTABLE : Change.GossipMail.Damage.MALFORMED;
            }
            return new Change.GossipMail(p, peerKey[p], mutual, cc, damage);
        }

        private Change change() {
            int n = edits++;
            WorkloadOptions.EditMix mix = o.editMix();
            int roll = r.nextInt(mix.total()); // 10 for the default mix: the draws of the fixed mix before it was an option
            if (roll < mix.settings()) return new Change.SetSetting("s" + r.nextInt(SETTING_KEYS), "v" + n);
            if (roll < mix.settings() + mix.contacts() || contacts == 0) return new Change.CreateContact("c" + contacts++);
            return new Change.EditContact("c" + r.nextInt(contacts), FIELDS[r.nextInt(FIELDS.length)], "v" + n);
        }

        private void emit(Step s) {
            if (out.size() >= o.maxSteps()) {
                throw new IllegalArgumentException("the schedule would exceed " + o.maxSteps() + " steps; lower the rates, accounts or duration, or raise the limit (--max-steps)");
            }
            int slot = s.device().slot();
            if (life[slot] == Life.REMOVED) {
                out.add(s); // a restart or reconnection still pending: the fleet finds the device retired
                return;
            }
            if (s instanceof Step.Remove) life[slot] = Life.REMOVED;
            else if (s instanceof Step.Return back) life[slot] = back.late() ? Life.REMOVED : Life.RUNNING; // late: retired, nothing more for it
            else if (s instanceof Step.Join || s instanceof Step.Restart || s instanceof Step.Online) life[slot] = Life.RUNNING;
            else if (s instanceof Step.Leave || s instanceof Step.Abandon) life[slot] = Life.LEFT;
            else if (s instanceof Step.Crash) life[slot] = Life.DOWN;
            else if (s instanceof Step.Offline) life[slot] = Life.OFFLINE;
            out.add(s);
        }

        private DeviceRef dev(int slot) { return new DeviceRef(account, slot); }

        private int count(Life l) {
            int n = 0;
            for (Life x : life) if (x == l) n++;
            return n;
        }

        /** A uniformly chosen slot that has joined (running, offline, down or left: its folder exists). */
        private int joined() {
            int k = r.nextInt(life.length - count(Life.NEW));
            for (int i = 0; i < life.length; i++) {
                if (life[i] != Life.NEW && k-- == 0) return i;
            }
            throw new IllegalStateException("no slot has joined");
        }

        private int live() { return count(Life.RUNNING) + count(Life.OFFLINE) + count(Life.DOWN); }

        /** A uniformly chosen live slot (running, offline or down) other than {@code but}. */
        private int anyLiveBut(int but) {
            int n = 0;
            for (int i = 0; i < life.length; i++) if (i != but && isLive(life[i])) n++;
            int k = r.nextInt(n);
            for (int i = 0; i < life.length; i++) {
                if (i != but && isLive(life[i]) && k-- == 0) return i;
            }
            throw new IllegalStateException("no live slot besides " + but);
        }

        private static boolean isLive(Life l) { return l == Life.RUNNING || l == Life.OFFLINE || l == Life.DOWN; }

        private int first(Life l) {
            for (int i = 0; i < life.length; i++) if (life[i] == l) return i;
            throw new IllegalStateException("no slot is " + l);
        }

        /** A uniformly chosen slot whose life is {@code a} or {@code b}. */
        private int any(Life a, Life b) {
            int n = 0;
            for (Life x : life) if (x == a || x == b) n++;
            int k = r.nextInt(n);
            for (int i = 0; i < life.length; i++) {
                if ((life[i] == a || life[i] == b) && k-- == 0) return i;
            }
            throw new IllegalStateException("no slot is " + a + " or " + b);
        }
    }
}
