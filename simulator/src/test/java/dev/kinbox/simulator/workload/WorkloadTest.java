package dev.kinbox.simulator.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    static WorkloadOptions options(int accounts, int min, int max) {
        return options(accounts, min, max, 3);
    }

    static WorkloadOptions options(int accounts, int min, int max, double hostilePerDay) {
        return options(accounts, min, max, hostilePerDay, 1);
    }

    /** Every kind on: churn, hostile acts at {@code hostilePerDay}, forced removals at {@code removalsPerDay} and {@link #FAULTS}. */
    static WorkloadOptions options(int accounts, int min, int max, double hostilePerDay, double removalsPerDay) {
        return new WorkloadOptions(accounts, min, max, Duration.ofDays(3), 40, 1, 1, 2, 2, Duration.ofHours(12), hostilePerDay, 100_000,
                removalsPerDay, FAULTS);
    }

    /** Every fault kind on: drops, restarts, incoming mail (a third of it gossip), latency and clock skew. */
    static final WorkloadOptions.Faults FAULTS = new WorkloadOptions.Faults(4, 2, 20, 5, 3_600_000, 0.3);

    @Property(tries = 50)
    void generate_withSameSeed_givesIdenticalSchedule(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int accounts) {
        WorkloadOptions o = options(accounts, 2, 5);
        assertEquals(Workload.generate(seed, o).steps(), Workload.generate(seed, o).steps());
    }

    @Property(tries = 50)
    void generate_withDifferentSeeds_givesDifferentSchedules(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long seed) {
        WorkloadOptions o = options(3, 2, 5);
        assertNotEquals(Workload.generate(seed, o).steps(), Workload.generate(seed + 1, o).steps());
    }

    @Property(tries = 100)
    void generate_keepsEveryAccountWithinItsBoundsAndClosesEverySpell(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int min,
                                                                       @ForAll @IntRange(min = 0, max = 3) int extra) {
        WorkloadOptions o = options(4, min, min + extra);
        Schedule s = Workload.generate(seed, o);
        Map<DeviceRef, String> life = new HashMap<>();
        int[] live = new int[o.accounts()];
        long period = o.period().toMillis();
        for (Step st : s.steps()) {
            assertTrue(st.at() >= 0 && st.at() <= period, "step outside the period: " + st);
            assertTrue(st.device().account() < o.accounts() && st.device().slot() < o.slotsPerAccount(), "device out of range: " + st);
            String was = life.getOrDefault(st.device(), "new");
            if (was.equals("removed")) {
                // a restart or reconnection pending when it was removed, an attack on its folder or its account's server restart
                assertTrue(st instanceof Step.Restart || st instanceof Step.Online || st instanceof Step.Hostile || st instanceof Step.ServerRestart,
                        "a removed device is used again: " + st);
                continue;
            }
            String now = switch (st.getClass().getSimpleName()) {
                case "Join" -> { assertEquals("new", was, st.toString()); live[st.device().account()]++; yield "running"; }
                case "Remove" -> {
                    assertTrue(was.equals("running") || was.equals("offline") || was.equals("down"), "removal of a " + was + " device: " + st);
                    assertEquals("running", life.get(((Step.Remove) st).by()), "removed by a device that is not running and online: " + st);
                    live[st.device().account()]--;
                    yield "removed";
                }
                case "Leave" -> { assertEquals("running", was, st.toString()); live[st.device().account()]--; yield "left"; }
                case "Crash" -> { assertEquals("running", was, st.toString()); yield "down"; }
                case "Restart" -> { assertEquals("down", was, st.toString()); yield "running"; }
                case "Offline" -> { assertEquals("running", was, st.toString()); yield "offline"; }
                case "Online" -> { assertEquals("offline", was, st.toString()); yield "running"; }
                case "Hostile" -> { assertTrue(!was.equals("new"), "attack on the folder of a device that never joined: " + st); yield was; }
                case "ServerRestart" -> { assertTrue(!was.equals("new"), "restart named by a device that never joined: " + st); yield was; }
                case "Drop" -> { assertEquals("running", was, "dropped connection of a device that is not connected: " + st); yield was; }
                default -> { assertTrue(was.equals("running") || was.equals("offline"), "edit on a " + was + " device: " + st); yield was; }
            };
            life.put(st.device(), now);
            int a = st.device().account();
            assertTrue(live[a] <= o.maxDevices(), "account " + a + " over its maximum at " + st);
            if (st.at() > 0) assertTrue(live[a] >= 1, "account " + a + " without a device at " + st);
        }
        for (var e : life.entrySet()) {
            assertTrue(e.getValue().equals("running") || e.getValue().equals("left") || e.getValue().equals("removed"), e.getKey() + " ends " + e.getValue());
        }
    }

    @Test
    void generate_withManyEdits_hasEveryChangeKindAndEveryChurnKind() {
        Schedule s = Workload.generate(42, options(5, 2, 5));
        for (String k : new String[] {"Join", "Leave", "Crash", "Restart", "Offline", "Online", "Edit", "Hostile", "Drop", "ServerRestart", "Remove"}) {
            assertTrue(s.counts().getOrDefault(k, 0) > 0, "no " + k + " in " + s.counts());
        }
        long settings = s.steps().stream().filter(x -> x instanceof Step.Edit e && e.change() instanceof Change.SetSetting).count();
        long contactEdits = s.steps().stream().filter(x -> x instanceof Step.Edit e && e.change() instanceof Change.EditContact).count();
        long incoming = s.steps().stream().filter(x -> x instanceof Step.Edit e && e.change() instanceof Change.IncomingMail).count();
        assertTrue(settings > 0 && contactEdits > 0 && incoming > 0, s.counts().toString());
        for (HostileAct act : HostileAct.values()) {
            assertTrue(s.steps().stream().anyMatch(x -> x instanceof Step.Hostile h && h.act() == act), "no " + act + " in " + s.counts());
        }
    }

    @Test
    void generate_withAnEditMix_drawsTheEditKindsInItsProportions_andTheDefaultMixDrawsAsBefore() {
        WorkloadOptions o = options(5, 2, 5);
        assertEquals(Workload.generate(42, o).steps(), Workload.generate(42, o.withEditMix(WorkloadOptions.EditMix.DEFAULT)).steps());
        java.util.function.Function<WorkloadOptions.EditMix, Map<Class<?>, Long>> kinds = mix -> Workload.generate(42, o.withEditMix(mix))
                .steps().stream().filter(x -> x instanceof Step.Edit e && !(e.change() instanceof Change.IncomingMail)
                        && !(e.change() instanceof Change.GossipMail))
                .collect(java.util.stream.Collectors.groupingBy(x -> ((Step.Edit) x).change().getClass(), java.util.stream.Collectors.counting()));
        assertEquals(java.util.Set.of(Change.SetSetting.class), kinds.apply(new WorkloadOptions.EditMix(1, 0, 0)).keySet());
        assertEquals(java.util.Set.of(Change.CreateContact.class), kinds.apply(new WorkloadOptions.EditMix(0, 1, 0)).keySet());
        Map<Class<?>, Long> fields = kinds.apply(new WorkloadOptions.EditMix(0, 0, 1));
        assertEquals(5, fields.get(Change.CreateContact.class), "one contact per account, created by its first edit: " + fields);
        assertTrue(fields.get(Change.EditContact.class) > 100, fields.toString());
        Map<Class<?>, Long> mixed = kinds.apply(new WorkloadOptions.EditMix(1, 0, 3));
        double share = mixed.get(Change.SetSetting.class) / (double) (mixed.get(Change.SetSetting.class) + mixed.get(Change.EditContact.class));
        assertTrue(share > 0.18 && share < 0.32, "settings are a quarter of the edits: " + mixed);
    }

    @Test
    void editMix_outOfRange_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.EditMix(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.EditMix(-1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.EditMix(1, 1001, 3));
        assertThrows(IllegalArgumentException.class, () -> options(1, 1, 2).withEditMix(null));
    }

    @Property(tries = 30)
    void generate_withHostileRateZero_hasNoAttacks(@ForAll long seed) {
        Schedule calm = Workload.generate(seed, options(3, 2, 4, 0));
        assertTrue(calm.steps().stream().noneMatch(x -> x instanceof Step.Hostile), calm.counts().toString());
    }

    @Property(tries = 30)
    void generate_withFaultsOff_hasNoDropsRestartsOrIncomingMail(@ForAll long seed) {
        Schedule calm = Workload.generate(seed, options(3, 2, 4, 0).withFaults(WorkloadOptions.Faults.NONE));
        assertTrue(calm.steps().stream().noneMatch(x -> x instanceof Step.Drop || x instanceof Step.ServerRestart
                || x instanceof Step.Edit e && e.change() instanceof Change.IncomingMail), calm.counts().toString());
    }

    @Property(tries = 30)
    void generate_withRebuilds_rebuildsOnlyFoldersOfJoinedSlotsAtAboutTheRate(@ForAll long seed) {
        // 20 accounts x 3 days x 2 a day: 120 rebuilds expected
        Schedule s = Workload.generate(seed, options(20, 2, 4).withFaults(FAULTS.withRebuilds(2)));
        Set<DeviceRef> joined = new HashSet<>();
        int rebuilds = 0;
        for (Step st : s.steps()) {
            if (st instanceof Step.Join) joined.add(st.device());
            if (st instanceof Step.FolderRebuild) {
                rebuilds++;
                assertTrue(joined.contains(st.device()), "rebuilt the folder of " + st.device() + " before it joined: " + st);
            }
        }
        assertTrue(rebuilds >= 70 && rebuilds <= 180, rebuilds + " rebuilds, expected about 120: " + s.counts());
    }

    @Test
    void rebuildRate_outOfRange_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> FAULTS.withRebuilds(-1));
        assertThrows(IllegalArgumentException.class, () -> FAULTS.withRebuilds(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> FAULTS.withRebuilds(2_000_000));
        assertThrows(IllegalArgumentException.class, () -> FAULTS.withRebuildNewestLost(-1));
        assertThrows(IllegalArgumentException.class, () -> FAULTS.withRebuildNewestLost(WorkloadOptions.Faults.MAX_NEWEST_LOST + 1));
    }

    @Property(tries = 10)
    void generate_withRebuildLosses_givesTheSameScheduleAsWithout(@ForAll long seed) {
        // the loss is part of each rebuild step's effect, not of the schedule: a seed's steps stay what they were
        WorkloadOptions o = options(5, 2, 4).withFaults(FAULTS.withRebuilds(2));
        assertEquals(Workload.generate(seed, o).steps(),
                Workload.generate(seed, o.withFaults(o.faults().withRebuildNewestLost(3))).steps());
    }

    @Property(tries = 50)
    void generate_givesEachPeerKeyGenerationsThatNeverGoBack(@ForAll long seed) {
        Schedule s = Workload.generate(seed, options(3, 2, 4));
        Map<String, Integer> last = new HashMap<>();
        for (Step st : s.steps()) {
            if (st instanceof Step.Edit e && e.change() instanceof Change.IncomingMail m) {
                assertTrue(m.peer() >= 0 && m.peer() < Workload.PEERS && m.keyGeneration() < Workload.KEY_GENERATIONS, m.toString());
                String key = st.device().account() + "/" + m.peer();
                assertTrue(m.keyGeneration() >= last.getOrDefault(key, 0), "peer key went back at " + st);
                last.put(key, m.keyGeneration());
            }
        }
    }

    @Test
    void generate_withManyMails_rotatesSomePeerKey() {
        Schedule s = Workload.generate(42, options(5, 2, 5));
        assertTrue(s.steps().stream().anyMatch(x -> x instanceof Step.Edit e && e.change() instanceof Change.IncomingMail m && m.keyGeneration() > 0),
                s.counts().toString());
    }

    @Property(tries = 50)
    void clockSkew_isAPureFunctionWithinItsBound(@ForAll long seed, @ForAll @IntRange(min = 0, max = 99) int account,
                                                 @ForAll @IntRange(min = 0, max = 9) int slot, @ForAll @LongRange(min = 0, max = 86_400_000) long max) {
        DeviceRef d = new DeviceRef(account, slot);
        long skew = Workload.clockSkew(seed, d, max);
        assertEquals(skew, Workload.clockSkew(seed, d, max));
        assertTrue(Math.abs(skew) <= max, skew + " beyond " + max);
        if (max == 0) assertEquals(0, skew);
    }

    @Test
    void clockSkew_differsBetweenDevices() {
        java.util.Set<Long> skews = new java.util.HashSet<>();
        for (int slot = 0; slot < 10; slot++) skews.add(Workload.clockSkew(1, new DeviceRef(0, slot), 3_600_000));
        assertTrue(skews.size() >= 8, skews.toString());
    }

    @Test
    void faults_outOfRange_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(-1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(0, 0, Double.NaN, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(0, 0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(0, 0, 0, 0, -5));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(0, 0, 0, 0, 0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions.Faults(0, 0, 0, 0, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Change.GossipMail(0, 0, true, java.util.List.of(), Change.GossipMail.Damage.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Change.GossipMail(0, 0, true,
                java.util.List.of(new Change.GossipMail.Recipient(0, 0)), Change.GossipMail.Damage.NONE));
    }

    @Property(tries = 50)
    void generate_withGossipShare_turnsOnlySomeIncomingMailsIntoGossipMail_everyOtherStepUnchanged(@ForAll long seed) {
        WorkloadOptions without = options(3, 2, 4).withFaults(FAULTS.withGossipShare(0));
        WorkloadOptions with = options(3, 2, 4).withFaults(FAULTS.withGossipShare(0.5));
        java.util.List<Step> a = Workload.generate(seed, without).steps(), b = Workload.generate(seed, with).steps();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) instanceof Step.Edit x && b.get(i) instanceof Step.Edit y && y.change() instanceof Change.GossipMail g) {
                assertEquals(x.at(), y.at());
                assertEquals(x.device(), y.device());
                assertEquals(new Change.IncomingMail(g.peer(), g.keyGeneration(), g.mutual()), x.change(), "sender of " + y);
            } else {
                assertEquals(a.get(i), b.get(i));
            }
        }
    }

    @Property(tries = 50)
    void generate_gossipMails_writeToOtherPeers_onTheKeysTheAccountLastSaw(@ForAll long seed) {
        Schedule s = Workload.generate(seed, options(3, 2, 4));
        Map<String, Integer> last = new HashMap<>();
        for (Step st : s.steps()) {
            if (!(st instanceof Step.Edit e)) continue;
            int account = st.device().account();
            if (e.change() instanceof Change.GossipMail g) {
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                for (Change.GossipMail.Recipient r : g.cc()) {
                    assertTrue(r.peer() >= 0 && r.peer() < Workload.PEERS && r.peer() != g.peer() && seen.add(r.peer()), g.toString());
                    assertEquals(last.getOrDefault(account + "/" + r.peer(), 0), r.keyGeneration(), "gossiped key of " + r + " at " + st);
                }
                assertTrue(g.keyGeneration() >= last.getOrDefault(account + "/" + g.peer(), 0), "sender key went back at " + st);
                last.put(account + "/" + g.peer(), g.keyGeneration());
            } else if (e.change() instanceof Change.IncomingMail m) {
                last.put(account + "/" + m.peer(), m.keyGeneration());
            }
        }
    }

    @Test
    void generate_gossipShare_isTheShareOfIncomingMail_andOneInTenIsDamagedBothWays() {
        Schedule s = Workload.generate(7, new WorkloadOptions(40, 2, 4, Duration.ofDays(10), 0, 0, 0, 0, 0, Duration.ZERO, 0, 100_000)
                .withFaults(new WorkloadOptions.Faults(0, 0, 20, 0, 0, 0.25)));
        long plain = 0, gossip = 0;
        Map<Change.GossipMail.Damage, Integer> damage = new HashMap<>();
        for (Step st : s.steps()) {
            if (st instanceof Step.Edit e && e.change() instanceof Change.IncomingMail) plain++;
            if (st instanceof Step.Edit e && e.change() instanceof Change.GossipMail g) {
                gossip++;
                damage.merge(g.damage(), 1, Integer::sum);
            }
        }
        double share = gossip / (double) (gossip + plain);
        assertTrue(gossip + plain > 5_000 && Math.abs(share - 0.25) < 0.03, gossip + " gossip of " + (gossip + plain) + " mails");
        double damaged = (gossip - damage.getOrDefault(Change.GossipMail.Damage.NONE, 0)) / (double) gossip;
        assertTrue(Math.abs(damaged - 1.0 / Workload.DAMAGED_ONE_IN) < 0.03, "damaged " + damage);
        assertTrue(damage.getOrDefault(Change.GossipMail.Damage.UNDECRYPTABLE, 0) > 20 && damage.getOrDefault(Change.GossipMail.Damage.MALFORMED, 0) > 20,
                damage.toString());
    }

    @Property(tries = 100)
    void generate_withRemovals_removesOnlyLiveDevicesByARunningSibling_andJoinsOnlyBesideOne(@ForAll long seed) {
        WorkloadOptions o = new WorkloadOptions(3, 1, 4, Duration.ofDays(3), 20, 2, 1, 2, 2, Duration.ofHours(12), 1, 100_000, 2, FAULTS);
        Schedule s = Workload.generate(seed, o);
        Map<DeviceRef, String> life = new HashMap<>();
        for (Step st : s.steps()) {
            String was = life.getOrDefault(st.device(), "new");
            if (was.equals("removed")) {
                assertTrue(st instanceof Step.Restart || st instanceof Step.Online || st instanceof Step.Hostile || st instanceof Step.ServerRestart,
                        "a removed device is used again: " + st);
                continue;
            }
            if (st instanceof Step.Remove r) {
                assertEquals(r.device().account(), r.by().account(), st.toString());
                assertNotEquals(r.device(), r.by(), st.toString());
                assertEquals("running", life.get(r.by()), "removed by a device that is not running and online: " + st);
                assertTrue(was.equals("running") || was.equals("offline") || was.equals("down"), "removal of a " + was + " device: " + st);
                life.put(st.device(), "removed");
                continue;
            }
            if (st instanceof Step.Join && st.at() > 0) {
                assertTrue(life.entrySet().stream().anyMatch(e -> e.getKey().account() == st.device().account() && e.getValue().equals("running")),
                        "a newcomer without a running sibling to pair with: " + st);
            }
            String now = switch (st.getClass().getSimpleName()) {
                case "Join", "Restart", "Online" -> "running";
                case "Leave" -> "left";
                case "Crash" -> "down";
                case "Offline" -> "offline";
                default -> was;
            };
            life.put(st.device(), now);
        }
        assertEquals(s.counts().getOrDefault("Remove", 0).longValue(), life.values().stream().filter("removed"::equals).count());
    }

    @Test
    void generate_withRemovalRate_removesDevices_andWithoutIt_removesNone() {
        WorkloadOptions with = new WorkloadOptions(5, 2, 5, Duration.ofDays(3), 40, 1, 1, 2, 2, Duration.ofHours(12), 0, 100_000, 1);
        assertTrue(Workload.generate(42, with).counts().getOrDefault("Remove", 0) > 0, Workload.generate(42, with).counts().toString());
        assertTrue(Workload.generate(42, options(5, 2, 5, 3, 0)).steps().stream().noneMatch(x -> x instanceof Step.Remove));
    }

    @Test
    void generate_withAbandonRate_abandonsDevicesThatNeverRunAgain_andAtRateZeroDrawsAsBeforeAbandonsExisted() {
        WorkloadOptions plain = new WorkloadOptions(5, 2, 5, Duration.ofDays(3), 40, 1, 1, 2, 2, Duration.ofHours(12), 0, 100_000, 1);
        Schedule with = Workload.generate(42, plain.withAbandons(1));
        List<Step> abandons = with.steps().stream().filter(x -> x instanceof Step.Abandon).toList();
        assertTrue(abandons.size() > 3, with.counts().toString());
        for (Step a : abandons) {
            assertTrue(with.steps().stream().noneMatch(x -> x.device().equals(a.device()) && x.at() > a.at()
                    && !(x instanceof Step.Hostile || x instanceof Step.FolderRebuild || x instanceof Step.ServerRestart)),
                    a + ": the device does something after it was abandoned");
        }
        assertEquals(Workload.generate(42, plain), Workload.generate(42, plain.withAbandons(0)), "rate 0: the schedule of before");
        assertThrows(IllegalArgumentException.class, () -> plain.withAbandons(-1));
    }

    @Test
    void generate_withAbandonedReturns_bringsDevicesBackWellBeforeOrWellAfterTheirExpiry_andWithoutThemDrawsAsBefore() {
        WorkloadOptions abandoning = new WorkloadOptions(20, 2, 5, Duration.ofDays(6), 10, 1, 1, 2, 2, Duration.ofHours(12), 0, 100_000, 1)
                .withAbandons(1);
        Duration expiry = Duration.ofDays(2);
        long e = expiry.toMillis();
        Schedule with = Workload.generate(42, abandoning.withReturns(0.5, expiry));
        List<Step.Return> returns = with.steps().stream().filter(x -> x instanceof Step.Return).map(x -> (Step.Return) x).toList();
        long abandons = with.steps().stream().filter(x -> x instanceof Step.Abandon).count();
        assertTrue(returns.size() > 5 && returns.size() < abandons, returns.size() + " of " + abandons + " abandoned devices returned");
        assertTrue(returns.stream().anyMatch(Step.Return::late) && returns.stream().anyMatch(x -> !x.late()), "early and late ones");
        for (Step.Return back : returns) {
            java.util.function.Predicate<Step> own = x -> x.device().equals(back.device())
                    && !(x instanceof Step.Hostile || x instanceof Step.FolderRebuild || x instanceof Step.ServerRestart);
            Step before = with.steps().stream().filter(x -> own.test(x) && x.at() < back.at()).reduce((a, b) -> b).orElseThrow();
            assertTrue(before instanceof Step.Abandon, back + " follows " + before + ", not its abandon");
            long away = back.at() - before.at();
            assertTrue(back.late() ? away >= e * 5 / 4 && away <= e * 7 / 4 : away > 0 && away <= e / 2, back + " away " + away + " ms");
            if (back.late()) {
                assertTrue(with.steps().stream().noneMatch(x -> own.test(x) && x.at() > back.at()), back + ": a retired device is given more to do");
            }
        }
        assertEquals(Workload.generate(42, abandoning), Workload.generate(42, abandoning.withReturns(0, Duration.ZERO)), "share 0: the schedule of before");
        assertThrows(IllegalArgumentException.class, () -> abandoning.withReturns(1.5, expiry));
        assertThrows(IllegalArgumentException.class, () -> abandoning.withReturns(0.5, Duration.ZERO));
    }

    @Test
    void generate_beyondMaxSteps_isRefused_sayingHowToGetPastIt() {
        WorkloadOptions o = new WorkloadOptions(10, 2, 5, Duration.ofDays(30), 1000, 1, 1, 1, 1, Duration.ofHours(1), 0, 500);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.generate(1, o));
        assertTrue(e.getMessage().contains("500"), e.getMessage());
        assertTrue(e.getMessage().contains("--max-steps"), e.getMessage());
    }

    @Test
    void generate_withDeviceWeights_startsAccountsWithCountsInProportionToTheirWeights() {
        // counts 1..3 weighted 1 : 0 : 3, nothing else happening
        WorkloadOptions o = new WorkloadOptions(4000, 1, 3, Duration.ofHours(1), 0, 0, 0, 0, 0, Duration.ZERO, 0, 100_000, 0,
                WorkloadOptions.Faults.NONE, java.util.List.of(1, 0, 3));
        Map<Integer, Integer> joins = new HashMap<>();
        for (Step s : Workload.generate(7, o).steps()) if (s instanceof Step.Join j && j.at() == 0) joins.merge(j.device().account(), 1, Integer::sum);
        Map<Integer, Integer> accountsWith = new HashMap<>();
        for (int n : joins.values()) accountsWith.merge(n, 1, Integer::sum);
        assertEquals(4000, joins.size(), "every account starts");
        assertEquals(null, accountsWith.get(2), "a count of weight 0 is never drawn");
        double ones = accountsWith.getOrDefault(1, 0) / 4000.0;
        assertTrue(ones > 0.22 && ones < 0.28, "a quarter start with one device: " + accountsWith); // 0.25 +- 4.4 standard deviations
        assertEquals(4000, accountsWith.getOrDefault(1, 0) + accountsWith.getOrDefault(3, 0));
    }

    @Test
    void generate_withoutDeviceWeights_drawsAsBeforeTheyExisted() {
        WorkloadOptions uniform = options(6, 2, 5);
        WorkloadOptions explicit = new WorkloadOptions(6, 2, 5, uniform.period(), uniform.editsPerDay(), uniform.joinsPerDay(),
                uniform.leavesPerDay(), uniform.crashesPerDay(), uniform.offlinePerDay(), uniform.maxOffline(), uniform.hostilePerDay(),
                uniform.maxSteps(), uniform.removalsPerDay(), uniform.faults(), java.util.List.of());
        assertEquals(Workload.generate(3, uniform), Workload.generate(3, explicit));
        WorkloadOptions even = new WorkloadOptions(6, 2, 5, uniform.period(), uniform.editsPerDay(), uniform.joinsPerDay(),
                uniform.leavesPerDay(), uniform.crashesPerDay(), uniform.offlinePerDay(), uniform.maxOffline(), uniform.hostilePerDay(),
                uniform.maxSteps(), uniform.removalsPerDay(), uniform.faults(), java.util.List.of(1, 1, 1, 1));
        assertEquals(even, even.withFaults(uniform.faults()), "weights survive withFaults");
    }

    @Test
    void generate_withKeyRotation_turnsItOnInEveryAccountWithItsFirstStep_andChangesNothingElse() {
        WorkloadOptions o = options(3, 2, 4);
        Schedule plain = Workload.generate(5, o), rotating = Workload.generate(5, o.withKeyRotation(true));
        List<Step> settings = rotating.steps().stream()
                .filter(s -> s instanceof Step.Edit e && e.change() instanceof Change.SetSetting set && set.key().equals(dev.kinbox.actors.muaa.Muaa.ROTATE_KEY_ON_REMOVAL))
                .toList();
        assertEquals(3, settings.size(), settings.toString());
        for (Step s : settings) {
            assertEquals(0, s.at());
            assertEquals(0, s.device().slot(), "the account's first device, which runs from the start");
        }
        List<Step> rest = new java.util.ArrayList<>(rotating.steps());
        rest.removeAll(settings);
        assertEquals(plain.steps(), rest);
        assertTrue(plain.steps().stream().noneMatch(settings::contains));
        // the runner sets up the schedule's leading joins side by side: every account's, before the settings
        long setupJoins = rotating.steps().stream().filter(s -> s instanceof Step.Join && s.at() == 0).count();
        assertTrue(setupJoins > 3, "joins at the start: " + setupJoins);
        for (int i = 0; i < setupJoins; i++) {
            assertTrue(rotating.steps().get(i) instanceof Step.Join, "step " + i + " comes before a join of the start: " + rotating.steps().get(i));
        }
    }

    @Test
    void options_withBadDeviceWeights_areRefused() {
        for (java.util.List<Integer> w : java.util.List.of(java.util.List.of(1, 1), java.util.List.of(0, 1, 1), java.util.List.of(1, 1, 0),
                java.util.List.of(1, -1, 1), java.util.List.of(1, 2_000_000, 1))) {
            assertThrows(IllegalArgumentException.class, () -> new WorkloadOptions(1, 1, 3, Duration.ofDays(1), 1, 0, 0, 0, 0, Duration.ZERO, 0, 10,
                    0, WorkloadOptions.Faults.NONE, w), w::toString);
        }
    }

    @Test
    void options_withBadRange_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> options(1, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> options(0, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkloadOptions(1, 1, 2, Duration.ofDays(1), -1, 0, 0, 0, 0, Duration.ZERO, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new WorkloadOptions(1, 1, 2, Duration.ofDays(1), 1, 0, 0, 0, 0, Duration.ZERO, -0.5, 10));
    }
}
