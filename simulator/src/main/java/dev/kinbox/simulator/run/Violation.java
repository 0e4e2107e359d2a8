package dev.kinbox.simulator.run;

import java.util.List;

/**
 * One broken invariant: which, in which account, the devices involved and, for lost edits, the dots
 * missing (as {@code deviceId:seq}).
 */
public record Violation(String invariant, String accountId, List<String> devices, List<String> missingDots, String detail) {
    public Violation {
        devices = List.copyOf(devices);
        missingDots = List.copyOf(missingDots);
    }

    /**
     * {@code invariant account A devices [d] missing [m]: detail}, leaving out what is empty: a
     * violation of the whole run (steps still running at the bound) names no account.
     */
    public String describe() {
        return invariant + (accountId.isEmpty() ? "" : " account " + accountId) + (devices.isEmpty() ? "" : " devices " + devices)
                + (missingDots.isEmpty() ? "" : " missing " + missingDots) + ": " + detail;
    }
}
