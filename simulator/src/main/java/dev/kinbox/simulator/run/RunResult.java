package dev.kinbox.simulator.run;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured and checked.
 *
 * @param seed                   the workload seed
 * @param store                  {@code memory} or {@code greenmail}
 * @param accounts               accounts simulated
 * @param devicesPeak            most devices running at once
 * @param devicesStarted         distinct devices that ran
 * @param devicesPairedPeak      most devices running and paired (in their own state) at one sample
 * @param steps                  schedule steps by kind
 * @param stepErrors             steps the fleet could not carry out (first few described in {@code notes})
 * @param ackedEdits             edits acknowledged by a device
 * @param unackedEdits           edits asked for but not acknowledged (device crashed meanwhile, refused, timed out)
 * @param eventsApplied          see {@link Sampler}
 * @param check                  the end-of-run invariants
 * @param lagP50Ms               convergence lag percentiles (see {@link Sampler}), -1 when nothing resolved
 * @param lagUnresolved          acknowledged edits whose lag never resolved during the run
 * @param storeMessagesPerAccountMax most messages one account's mailbox held at a count (every kind)
 * @param storeJournalMax        most journal messages (entries, snapshots, marks) one account's mailbox held at a count
 * @param storeDropsMax          most drops (nudges) one account's mailbox held at a count
 * @param storeBound             the journal-message bound checked by {@code store_bounded} ({@link Invariants#storeBound})
 * @param storeOps               mail store operations issued by the devices
 * @param hostileActs            hostile provider acts carried out, by {@code HostileAct} name (steps that found nothing to act on are not counted)
 * @param folderRebuilds         folder rebuilds carried out (steps that found no folder are not counted)
 * @param refusals               what the devices' journals refused (summed over all devices)
 * @param gossip                 what became of the gossip mails handed to the devices ({@code GossipCounts.NONE} without any)
 * @param wallSeconds            real seconds from the first step to the end of the checks
 * @param settleSeconds          of which waiting for convergence after the last step
 * @param peakHeapBytes          most JVM heap in use at a sample
 * @param startMsPerDevice       mean real time to start a device (system, recovery, first state)
 * @param heapBytesPerDevice     heap growth per device over the initial joins (after GC; rough), -1 when not measurable
 * @param threadsPerDevice       JVM threads per device over the initial joins
 * @param timeline               the samples
 * @param firstViolations        per invariant the first violation seen and when (during the run or at the end), in the order seen
 * @param stoppedAtSeconds       when the run stopped stepping at a violation ({@link RunOptions#stopOnViolation()}), -1 if it did not
 * @param stepsNotRun            steps left out because the run stopped
 * @param pacing                 how far the steps fell behind the devices' clock, and how long it ran slowed ({@link Pacer})
 * @param notes                  what the numbers do not cover, and step errors
 */
public record RunResult(long seed, String store, int accounts, int devicesPeak, int devicesStarted, int devicesPairedPeak, Map<String, Integer> steps,
                        int stepErrors, long ackedEdits, long unackedEdits, long eventsApplied, Invariants.Result check,
                        double lagP50Ms, double lagP99Ms, double lagMaxMs, int lagUnresolved, long storeMessagesPerAccountMax,
                        long storeJournalMax, long storeDropsMax, long storeBound, long storeOps, Map<String, Integer> hostileActs, int folderRebuilds, dev.kinbox.simulator.fleet.JournalRefusals refusals,
                        dev.kinbox.simulator.fleet.GossipCounts gossip, double wallSeconds, double settleSeconds, long peakHeapBytes, double startMsPerDevice,
                        long heapBytesPerDevice, double threadsPerDevice, List<Sample> timeline, List<FirstViolation> firstViolations,
                        double stoppedAtSeconds, int stepsNotRun, Pacing pacing, List<String> notes) {
    public RunResult {
        steps = Map.copyOf(steps);
        hostileActs = Map.copyOf(hostileActs);
        timeline = List.copyOf(timeline);
        firstViolations = List.copyOf(firstViolations);
        notes = List.copyOf(notes);
    }

    /** True when every invariant held and every step was carried out. */
    public boolean ok() { return check.ok() && stepErrors == 0; }
}
