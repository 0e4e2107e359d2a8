package dev.kinbox.simulator.trace;

/** A trace file that cannot be used: not a trace, a version this build does not read, truncated or corrupt, or unreadable. */
public final class TraceException extends Exception {
    public TraceException(String message) { super(message); }

    public TraceException(String message, Throwable cause) { super(message, cause); }
}
