package dev.kinbox.simulator.run;

/** Where a run reports how far it is (the cli draws a bar on a terminal, plain lines otherwise). */
public interface Progress {
    /** A new phase ({@code "keys"}, {@code "steps"}, {@code "settle"}, {@code "check"}). */
    void phase(String name, long total);

    /** {@code done} of the phase's total, with a short counters text. */
    void update(long done, String counters);

    /** A line to show at once, e.g. an invariant seen violated during the run ({@link FirstViolation#line()}). */
    default void violation(String line) {}

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override public void phase(String name, long total) {}
        @Override public void update(long done, String counters) {}
    };
}
