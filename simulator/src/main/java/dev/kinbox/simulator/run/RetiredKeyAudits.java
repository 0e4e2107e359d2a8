package dev.kinbox.simulator.run;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The final check's audits for {@code silent_devices_retired}: every entry a running device wrote
 * after retiring a sibling, tried with that sibling's key ({@link Fleet#readableByRetired}). Each audit
 * logs in to the writer's mailbox and fetches its whole folder, and every device a sibling retired is
 * audited once per running sibling; one after the other they made most of the final check on a server
 * (a hostile GreenMail run of 25 accounts, 78 devices retired: the final check took 22.2 s; with
 * {@link #PARALLELISM} at a time, 6.2 s). The audits come back in the order asked.
 */
final class RetiredKeyAudits {
    /** Audits side by side: each holds one connection to its account's mailbox while it reads. */
    static final int PARALLELISM = 4;

    /** One audit to run: what {@code writer} wrote after it retired {@code retired}. */
    record Asked(DeviceRef writer, DeviceRef retired) {}

    /** The audits that ran, and why each of the others could not (the fleet's message). */
    record Outcome(List<RetirementCheck.Audit> audits, List<String> failures) {}

    private RetiredKeyAudits() { }

    /**
     * Runs every audit in {@code asked} on {@code fleet}. A {@link Fleet.FleetException} (the folder could not be
     * read) is a failure of that audit alone; any other exception is a fault of the fleet and is thrown, as it would
     * have been had the audits run one by one. Interrupted, the audits not done yet are failures, and the thread
     * keeps its interrupt.
     */
    static Outcome run(Fleet fleet, List<Asked> asked) {
        if (asked.isEmpty()) return new Outcome(List.of(), List.of());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLELISM, asked.size()), r -> {
            Thread t = new Thread(r, "sim-retired-key-audit");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<RetirementCheck.Audit>> futures = new ArrayList<>();
            for (Asked a : asked) {
                futures.add(pool.submit(() -> new RetirementCheck.Audit(a.writer(), a.retired(), fleet.readableByRetired(a.writer(), a.retired()))));
            }
            List<RetirementCheck.Audit> audits = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Future<RetirementCheck.Audit> f : futures) {
                try {
                    audits.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add("interrupted before every audit was done");
                    break;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Fleet.FleetException fe) failures.add(fe.getMessage());
                    else if (cause instanceof RuntimeException re) throw re;
                    else if (cause instanceof Error err) throw err;
                    else throw new IllegalStateException(cause);
                }
            }
            return new Outcome(audits, failures);
        } finally {
            pool.shutdownNow();
        }
    }
}
