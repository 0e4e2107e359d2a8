package dev.kinbox.simulator.run;

/**
 * When an invariant was first seen violated.
 *
 * @param seconds   real seconds since the paced steps began (0 during the setup), the axis of {@link Sample#seconds}
 * @param phase     {@code setup}, {@code steps} or {@code settle} (seen by a check during the run), or {@code end} (the final check)
 * @param violation what was seen: the invariant, the account and devices involved
 */
public record FirstViolation(double seconds, String phase, Violation violation) {
    public String invariant() { return violation.invariant(); }

    /** One line for the progress output: {@code VIOLATION at 3.2 s (steps): no_forged_applied account A devices [d]: detail}. */
    public String line() {
        return String.format("VIOLATION at %.1f s (%s): %s", seconds, phase, violation.describe());
    }
}
