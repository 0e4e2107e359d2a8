package dev.kinbox.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.Progress;
import dev.kinbox.simulator.run.RetirementRunTest;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceCheck;
import dev.kinbox.simulator.trace.TraceFile;

/** Two cluster nodes (two ActorSystems in this JVM, on loopback, free ports) drive one population. */
class ClusterFleetTest {
    private static final Duration UP = Duration.ofSeconds(60);

    /** A driver on a free loopback port, waiting {@code up} at most for its nodes. */
    static ClusterSettings driver(Duration up) {
        return new ClusterSettings("127.0.0.1", 0, List.of(), true, up);
    }

    private static ClusterSettings joining(ClusterNode seed) {
        return joining(seed, UP);
    }

    /** A node on a free loopback port joining {@code seed}, waiting {@code up} at most to see it. */
    static ClusterSettings joining(ClusterNode seed, Duration up) {
        return new ClusterSettings("127.0.0.1", 0, List.of(new ClusterSettings.Seed("127.0.0.1", seed.port())), false, up);
    }

    @Test
    void twoNodes_runningAChurningScheduleOnTheMemoryStore_holdEveryInvariantWithDevicesOnBothNodesAndRecordATraceThatReplays(
            @TempDir Path dir) throws Exception {
        // 4 accounts of 2-3 devices, 4 simulated hours at one simulated hour per real second, with churn
        Schedule s = Workload.generate(11, new WorkloadOptions(4, 2, 3, Duration.ofHours(4), 150, 3, 2, 6, 6, Duration.ofMinutes(30), 0, 10_000));
        Roster roster = Roster.generate(4, s.options().slotsPerAccount(), "cluster.test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        long t0 = System.nanoTime();
        ClusterNode first = ClusterNode.start(driver(UP));
        // not the defaults, so that the nodes can be seen to run with the driver's (scaled) options
        HostedFleet.Options options = new HostedFleet.Options(50, Duration.ofSeconds(2), 8, HostedFleet.DEFAULT_EXPIRE_AFTER,
                Duration.ofMillis(1_500), Duration.ofMillis(400));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, options)) {
            assertEquals(options, first.host().fleet().options(), "the driver's node runs the driver's options");
            assertEquals(options, second.host().fleet().options(), "the other node too");
            System.out.println("cluster of " + List.of(first.address(), second.address()) + " set up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            Path file = dir.resolve("trace.kbt");
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE, file).run(s, "memory");
            Map<String, ClusterFleet.NodeCounters> nodes = fleet.nodeCounters();
            System.out.println("cluster run: " + r.ackedEdits() + " edits, " + r.steps() + ", lag p50/p99 " + r.lagP50Ms() + "/" + r.lagP99Ms()
                    + " ms, wall " + r.wallSeconds() + " s, nodes " + nodes);
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertTrue(r.check().converged());
            assertEquals(0, r.check().lostEdits());
            assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
            assertTrue(r.check().storeBounded() && r.storeJournalMax() > 0, "journal messages " + r.storeJournalMax());
            assertEquals(2, nodes.size(), nodes.toString());
            nodes.forEach((address, c) -> assertTrue(c.starts() > 0 && c.storeOperations() > 0, address + " hosted no device: " + c));
            // read after the run's own count: running devices keep polling for pairing drops and checking liveness meanwhile
            long overNodes = nodes.values().stream().mapToLong(ClusterFleet.NodeCounters::storeOperations).sum();
            assertTrue(overNodes >= r.storeOps() && overNodes < r.storeOps() * 2, "store ops over the nodes " + overNodes + ", run " + r.storeOps());
            assertEquals(fleet.running().size(), nodes.values().stream().mapToInt(ClusterFleet.NodeCounters::running).sum(), nodes.toString());
            // the trace: every device's journal, read from the node that hosts it, replays to the digest its live MUAA had
            assertTrue(java.nio.file.Files.exists(file), "no trace written: " + r.notes());
            Trace t = TraceFile.read(file);
            assertEquals(r.devicesStarted(), t.accounts().stream().mapToInt(a -> a.devices().size()).sum());
            TraceCheck.Result v = TraceCheck.verify(t);
            assertTrue(v.ok(), v.mismatches().toString());
            assertTrue(v.liveDigests() > 0, "no live device's digest was checked");
            long entries = t.accounts().stream().flatMap(a -> a.devices().stream()).mapToLong(d -> d.journal().size()).sum();
            assertTrue(entries >= r.ackedEdits(), entries + " journal entries for " + r.ackedEdits() + " acked edits");
            t0 = System.nanoTime();
        }
        System.out.println("cluster closed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void twoNodes_runningAChurningScheduleWithEveryFault_holdEveryInvariantAndCarryOutTheFaultsOnBothNodes() throws Exception {
        // 4 accounts of 2-3 devices, 4 simulated hours, with churn and every fault at a high rate: drops and server
        // restarts 24 a day, 60 incoming mails a day per device (a quarter of them gossip), 3 ms latency, 1 h clock skew
        WorkloadOptions.Faults faults = new WorkloadOptions.Faults(24, 24, 60, 3, 3_600_000L, 0.25);
        long seed = 12;
        Schedule s = Workload.generate(seed, new WorkloadOptions(4, 2, 3, Duration.ofHours(4), 150, 3, 2, 6, 6, Duration.ofMinutes(30), 0, 10_000)
                .withFaults(faults));
        Roster roster = Roster.generate(4, s.options().slotsPerAccount(), "cluster.faults.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        FleetFaults ff = FleetFaults.of(seed, faults, Crypto.standard());
        ClusterNode first = ClusterNode.start(driver(UP));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults(), ff)) {
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE).run(s, "memory");
            Map<String, ClusterFleet.FaultCounters> nodes = fleet.faultCounters();
            System.out.println("faulty cluster run: " + r.ackedEdits() + " edits, " + r.steps() + ", gossip " + r.gossip() + ", wall "
                    + r.wallSeconds() + " s, nodes " + nodes);
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertEquals(0, r.check().lostEdits());
            assertEquals(2, nodes.size(), nodes.toString());
            // every scheduled drop and restart was carried out on the account's node, and both nodes had their share
            assertEquals((long) r.steps().getOrDefault("Drop", 0), nodes.values().stream().mapToLong(ClusterFleet.FaultCounters::drops).sum(), nodes.toString());
            assertEquals((long) r.steps().getOrDefault("ServerRestart", 0), nodes.values().stream().mapToLong(ClusterFleet.FaultCounters::restarts).sum(),
                    nodes.toString());
            nodes.forEach((address, c) -> assertTrue(c.drops() > 0 && c.restarts() > 0 && c.incomingAcked() > 0, address + ": " + c));
            // the gossip counts of the run are the nodes' summed
            long delivered = nodes.values().stream().mapToLong(c -> c.gossip().delivered()).sum();
            assertTrue(r.gossip().delivered() > 0 && r.gossip().opened() > 0 && r.gossip().delivered() == delivered, r.gossip() + " " + nodes);
            // the peers the incoming mail told one device of are on all its account's running devices
            for (int a = 0; a < 4; a++) {
                Object peers = null;
                for (DeviceRef d : fleet.running()) {
                    if (d.account() != a) continue;
                    var mine = fleet.state(d).toCompletableFuture().get(30, TimeUnit.SECONDS).peers();
                    assertTrue(!mine.isEmpty(), d + " learned no peer");
                    if (peers == null) peers = mine;
                    else assertEquals(peers, mine, "peers of " + d);
                }
                assertTrue(peers != null, "no device of account " + a + " runs at the end");
            }
        }
    }

    @Test
    void twoNodes_withAHostileProvider_actOnTheAccountsNodes_applyNoForgeryAndHoldEveryInvariant() throws Exception {
        // RunnerTest's hostile schedule (2 accounts of 2-3 devices, 4 simulated hours, churn, 240 acts per account a day, every
        // kind at least 6 times) on two nodes: each act is carried out on the node of the victim's account, and what it withheld
        // there reaches the driver's checks
        Schedule s = Workload.generate(89, new WorkloadOptions(2, 2, 3, Duration.ofHours(4), 200, 3, 2, 6, 6, Duration.ofMinutes(30), 240, 10_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "cluster.hostile.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        ClusterNode first = ClusterNode.start(driver(UP));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults())) {
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE).run(s, "memory");
            System.out.println("hostile cluster run: " + r.hostileActs() + " of " + s.counts().get("Hostile") + " scheduled, refusals "
                    + r.refusals() + ", withheld unhealed " + r.check().withheldMissing() + ", " + r.ackedEdits() + " edits, wall "
                    + r.wallSeconds() + " s, nodes " + fleet.nodeCounters());
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertEquals(0, r.check().forgedApplied());
            for (String act : new String[] {"FORGE", "INJECT", "FORGE_NOTICE"}) {
                assertTrue(r.hostileActs().getOrDefault(act, 0) > 0, "no " + act + ": " + r.hostileActs());
            }
            assertTrue(r.refusals().untrusted() > 0, "no forged entry was refused on any node: " + r.refusals());
            assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
            fleet.nodeCounters().forEach((address, c) -> assertTrue(c.starts() > 0, address + " hosted no device: " + c));
        }
    }

    @Test
    void twoNodes_runningRemovalsAndTheShortestExpiry_removeOnTheHostingNodeAndHoldEveryInvariant() throws Exception {
        // 2 accounts (one per node) of 2-3 devices over 8 simulated hours with removals and an early leave, expiring after
        // 200 minutes - the shortest the CLI allows for its 30-minute offline spells: the leaver retires itself across the cluster
        Schedule s = RetirementRunTest.withRemovalAndEarlyLeave();
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "cluster.retire.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        HostedFleet.Options options = new HostedFleet.Options(50, Duration.ofSeconds(2), 8, RetirementRunTest.EXPIRE_AFTER,
                Duration.ofMillis(250), Duration.ofMillis(500));
        ClusterNode first = ClusterNode.start(driver(UP));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, options)) {
            assertEquals(options, second.host().fleet().options(), "the joining node's devices expire after the driver's expiry");
            assertEquals(RetirementRunTest.EXPIRE_AFTER, fleet.expiry().expireAfter());
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE).run(s, "memory");
            Map<String, ClusterFleet.NodeCounters> nodes = fleet.nodeCounters();
            List<Step.Remove> removals = s.steps().stream().filter(x -> x instanceof Step.Remove).map(x -> (Step.Remove) x).toList();
            System.out.println("retiring cluster run: seed " + s.seed() + " " + s.counts() + ", retired " + r.check().retiredDevices() + ", "
                    + r.ackedEdits() + " edits, wall " + r.wallSeconds() + " s, nodes " + nodes + ", notes " + r.notes());
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertTrue(r.check().silentRetired());
            assertTrue(r.notes().stream().noneMatch(n -> n.contains("not tried")), "the key trial reached every node: " + r.notes());
            assertTrue(r.check().retiredDevices() > removals.size(), "only " + r.check().retiredDevices() + " retired for " + removals.size()
                    + " removals: the early leaver was not retired");
            assertEquals(removals.size(), nodes.values().stream().mapToInt(ClusterFleet.NodeCounters::removals).sum(), nodes.toString());
            for (Step.Remove x : removals) {
                ClusterNode host = first.host().fleet().journal(x.by()).isEmpty() ? second : first;
                assertTrue(nodes.get(host.address().toString()).removals() > 0, x + " not carried out on its node " + host.address() + ": " + nodes);
                assertFalse(fleet.isRunning(x.device()), x.device() + " runs after its removal");
                // asked of the writer's node across the cluster: the remover's entries since are not sealed to the removed device
                RetiredReadable audit = fleet.readableByRetired(x.by(), x.device());
                if (fleet.isRunning(x.by())) assertTrue(audit.retiredAt() >= 0 && audit.readable() == 0, x + ": " + audit);
            }
        }
    }

    @Test
    void aNodeLostMidRun_stopsTheRunAtOnceNamingTheNode_insteadOfAskingItsAccountsUntilTheirTimeouts() throws Exception {
        // 4 accounts of 2-3 devices over 30 simulated hours (30 s of steps); the second node goes 3 s into the steps
        Schedule s = Workload.generate(17, new WorkloadOptions(4, 2, 3, Duration.ofHours(30), 150, 1, 1, 2, 2, Duration.ofMinutes(30), 0, 10_000));
        Roster roster = Roster.generate(4, s.options().slotsPerAccount(), "cluster.lost.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        ClusterNode first = ClusterNode.start(driver(UP));
        ClusterNode second = ClusterNode.start(joining(first));
        String lostAddress = second.address().toString();
        long[] lostAt = {0};
        try (ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults())) {
            Fleet losing = new ForwardingFleet(fleet) {
                @Override public void clockStarted() throws FleetException {
                    delegate.clockStarted();
                    Thread t = new Thread(() -> {
                        try {
                            Thread.sleep(3_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        lostAt[0] = System.nanoTime();
                        second.close();
                    }, "lose-the-second-node");
                    t.setDaemon(true);
                    t.start();
                }
            };
            assertTrue(fleet.broken().isEmpty());
            RunResult r = new Runner(losing, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE)
                    .drivingClock(clock).run(s, "memory");
            double afterLoss = (System.nanoTime() - lostAt[0]) / 1e9;
            System.out.println("lost node run: ended " + afterLoss + " s after the node went, notes " + r.notes().subList(0, Math.min(3, r.notes().size())));
            assertTrue(lostAt[0] > 0, "the node was never closed");
            assertTrue(fleet.broken().orElse("").contains(lostAddress), fleet.broken().toString());
            assertFalse(r.ok());
            assertTrue(r.stepErrors() > 0);
            assertTrue(r.notes().get(0).startsWith("stopped as the fleet broke"), r.notes().toString());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("the fleet broke: node " + lostAddress)), r.notes().toString());
            // 27 s of steps were left, then a 30 s settle: the run ends long before either
            assertTrue(afterLoss < 20, "the run went on " + afterLoss + " s after losing a node");
            Fleet.FleetException e = assertThrows(Fleet.FleetException.class, () -> fleet.start(new DeviceRef(0, 0)));
            assertTrue(e.getMessage().contains(lostAddress) && e.getMessage().contains("does not recover from a lost node"), e.getMessage());
        } finally {
            second.close();
        }
    }

    @Test
    void nodesClocks_standStillThroughTheSetup_startWithTheDriversAndFreezeWhereItFroze() throws Exception {
        // 2 accounts of 2-3 devices over 2 simulated hours; the driver's clock held, as kinbox simulate drives it
        Schedule s = Workload.generate(13, new WorkloadOptions(2, 2, 3, Duration.ofHours(2), 150, 3, 2, 6, 6, Duration.ofMinutes(30), 0, 10_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "cluster.clock.invalid", Crypto.standard());
        Instant origin = Instant.parse("2030-01-01T00:00:00Z");
        VirtualClock clock = VirtualClock.held(origin, 3600, System::nanoTime);
        ClusterNode first = ClusterNode.start(driver(UP));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults())) {
            List<VirtualClock> nodes = List.of(first.host().clock(), second.host().clock());
            Thread.sleep(300); // 18 simulated minutes, were they running
            assertEquals(List.of(origin, origin), instants(nodes), "held after the setup message");
            List<Instant> atStart = new CopyOnWriteArrayList<>();
            List<Long> startSkewMillis = new CopyOnWriteArrayList<>();
            List<Instant> frozen = new CopyOnWriteArrayList<>();
            Fleet watched = new ForwardingFleet(fleet) {
                @Override public void clockStarted() throws FleetException {
                    atStart.addAll(instants(nodes)); // after every setup join, with the driver's clock just started
                    delegate.clockStarted();
                    long driver = clock.millis();
                    for (VirtualClock c : nodes) startSkewMillis.add(Math.abs(c.millis() - driver));
                }

                @Override public void clockFrozen(Instant at) throws FleetException {
                    delegate.clockFrozen(at);
                    frozen.add(at);
                    frozen.addAll(instants(nodes));
                }
            };
            RunResult r = new Runner(watched, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE)
                    .drivingClock(clock).run(s, "memory");
            System.out.println("clocked cluster run: setup " + r.startMsPerDevice() + " ms a device, nodes' skew at the start " + startSkewMillis
                    + " simulated ms, frozen at " + frozen + ", wall " + r.wallSeconds() + " s, settle " + r.settleSeconds() + " s");
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertEquals(List.of(origin, origin), atStart, "the nodes' clocks stood at the origin through the setup's joins");
            // started "now" on each node: they agree up to the message's latency times the scale (10 simulated minutes: 170 ms)
            assertEquals(2, startSkewMillis.size());
            startSkewMillis.forEach(skew -> assertTrue(skew < 600_000, "a node's clock " + skew + " simulated ms off the driver's"));
            Instant at = clock.instant();
            assertTrue(at.isAfter(origin.plus(Duration.ofHours(1))), "the driver's clock ran through the steps: " + at);
            assertEquals(List.of(at, at, at), frozen, "every node froze where the driver's clock did");
            // the settle took a real second at least (a simulated hour, were they running): the nodes still stand there
            assertTrue(r.settleSeconds() >= 1, "settle " + r.settleSeconds());
            assertEquals(List.of(at, at), instants(nodes), "the nodes' clocks stayed frozen through the settle");
        }
    }

    @Test
    void nodesClocks_slowWithTheDriversWhileItsStepsAreBehind_fromTheDriversInstant() throws Exception {
        // as above, with an expiry of 8 simulated hours (steps may lag an hour) and a step that takes three real seconds
        Schedule s = Workload.generate(13, new WorkloadOptions(2, 2, 3, Duration.ofHours(2), 150, 3, 2, 6, 6, Duration.ofMinutes(30), 0, 10_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "cluster.pace.invalid", Crypto.standard());
        VirtualClock clock = VirtualClock.held(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        ClusterNode first = ClusterNode.start(driver(UP));
        try (ClusterNode second = ClusterNode.start(joining(first));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults().withExpireAfter(Duration.ofHours(8)))) {
            List<VirtualClock> nodes = List.of(first.host().clock(), second.host().clock());
            List<String> paced = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean slowed = new java.util.concurrent.atomic.AtomicBoolean();
            Fleet watched = new ForwardingFleet(fleet) {
                @Override public java.util.concurrent.CompletionStage<dev.kinbox.persistence.crdt.Dot> edit(DeviceRef d, dev.kinbox.simulator.workload.Change change) {
                    if (slowed.compareAndSet(false, true)) sleep(3_000);
                    return delegate.edit(d, change);
                }

                @Override public void clockPaced(Instant at, double pace) throws FleetException {
                    delegate.clockPaced(at, pace);
                    for (VirtualClock c : nodes) paced.add(pace + "=" + c.pace() + (c.instant().isBefore(at) ? " behind the driver" : ""));
                }
            };
            RunResult r = new Runner(watched, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE)
                    .drivingClock(clock).run(s, "memory");
            System.out.println("paced cluster run: " + r.pacing() + ", nodes told " + paced);
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertTrue(r.pacing().slowdowns() >= 1, r.pacing().toString());
            String slow = Double.toString(1.0 / 16);
            assertEquals(List.of(slow + "=" + slow, slow + "=" + slow, "1.0=1.0", "1.0=1.0"), paced.subList(0, 4),
                    "both nodes slowed from the driver's instant, then ran at full pace again");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Instant> instants(List<VirtualClock> clocks) {
        return clocks.stream().map(VirtualClock::instant).toList();
    }

    @Test
    void nodeClocks_whenANodeDoesNotAnswerOrHasNoClock_failNamingEveryNode() throws Exception {
        try (ClusterNode alone = ClusterNode.start(driver(UP)); NodeHost unopened = new NodeHost()) {
            ActorRef<Protocol.ToNode> silent = alone.system().systemActorOf(Behaviors.<Protocol.ToNode>ignore(), "silent-agent", Props.empty());
            ActorRef<Protocol.ToNode> clockless = alone.system().systemActorOf(NodeAgent.create(unopened, "pekko://kinbox-sim@h:1"), "clockless-agent",
                    Props.empty());
            NodeClocks clocks = new NodeClocks(alone, List.of(silent, clockless), Duration.ofMillis(500));
            long t0 = System.nanoTime();
            Fleet.FleetException started = assertThrows(Fleet.FleetException.class, clocks::start);
            Fleet.FleetException frozen = assertThrows(Fleet.FleetException.class, () -> clocks.freeze(Instant.parse("2030-01-01T01:00:00Z")));
            Fleet.FleetException paced = assertThrows(Fleet.FleetException.class, () -> clocks.pace(Instant.parse("2030-01-01T01:00:00Z"), 0.5));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(7).toNanos(), "took too long to give up");
            assertTrue(paced.getMessage().contains("did not change its pace") && paced.getMessage().endsWith("behind the driver's"), paced.getMessage());
            for (String m : List.of(started.getMessage(), frozen.getMessage(), paced.getMessage())) {
                assertTrue(m.contains("on 2 of 2 nodes") && m.contains(alone.address().toString()), m);
                assertTrue(m.contains("this node has no clock"), "the node's own answer: " + m);
            }
            assertTrue(started.getMessage().startsWith("the devices' clock did not start within 0.5 s")
                    && started.getMessage().endsWith("their devices may stand at the setup's simulated time"), started.getMessage());
            assertTrue(frozen.getMessage().contains("did not freeze") && frozen.getMessage().endsWith("may run on through the settle"),
                    frozen.getMessage());
        }
    }

    @Test
    void open_withFewerNodesThanExpected_failsWithinItsTimeoutNamingTheMissingNodes() throws Exception {
        Roster roster = Roster.generate(1, 2, "cluster.test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        ClusterNode alone = ClusterNode.start(driver(Duration.ofSeconds(3)));
        long t0 = System.nanoTime();
        Fleet.FleetException e = assertThrows(Fleet.FleetException.class,
                () -> ClusterFleet.open(alone, 2, roster, "memory", clock, HostedFleet.Options.defaults()).close());
        assertTrue(e.getMessage().contains("only 1 of 2 nodes Up"), e.getMessage());
        assertTrue(e.getMessage().contains("--join --seed-nodes 127.0.0.1:" + alone.port()), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(45).toNanos(), "took too long to give up");
    }

    @Test
    void joiningNode_withoutADriver_leavesWithStatusOneAfterItsTimeout() throws Exception {
        try (ClusterNode lone = ClusterNode.start(new ClusterSettings("127.0.0.1", 0, List.of(new ClusterSettings.Seed("127.0.0.1", 1)), false,
                Duration.ofSeconds(2)))) {
            assertEquals(1, lone.awaitRunEnd());
        }
    }

    @Test
    void start_onAPortInUse_failsNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ClusterNode.ClusterUnavailable e = assertThrows(ClusterNode.ClusterUnavailable.class,
                    () -> ClusterNode.start(new ClusterSettings("127.0.0.1", taken.getLocalPort(), List.of(), true, UP)).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }
}
