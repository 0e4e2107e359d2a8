package dev.kinbox.simulator.workload;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole workload of a run: {@link Workload#generate} of {@code seed} and {@code options}, steps in
 * non-decreasing {@link Step#at()} order. Every offline spell and crash ends by {@code options.period()}.
 */
public record Schedule(long seed, WorkloadOptions options, List<Step> steps) {
    public Schedule {
        steps = List.copyOf(steps);
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).at() < steps.get(i - 1).at()) throw new IllegalArgumentException("steps out of time order at " + i);
        }
    }

    /** How many steps of each kind ({@code Join}, {@code Edit}, ...), by simple class name. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        for (Step s : steps) m.merge(s.getClass().getSimpleName(), 1, Integer::sum);
        return m;
    }
}
