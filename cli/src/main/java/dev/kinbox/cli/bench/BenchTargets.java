package dev.kinbox.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The benchmark targets {@code kinbox bench} knows; each module's benchmark adds one line here. */
final class BenchTargets {
    private BenchTargets() {}

    static List<BenchTarget> all() {
        List<BenchTarget> targets = new ArrayList<>();
        targets.add(new MailstoreBench());
        targets.add(new CryptoBench());
        targets.add(new CrdtBench());
        targets.add(new RemailerBench());
        targets.add(new JournalBench());
        targets.add(new ReplicationBench());
        targets.add(new PairingBench());
        targets.add(new IdleBench());
        targets.add(new SimulateBench());
        return targets;
    }

    static Optional<BenchTarget> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
