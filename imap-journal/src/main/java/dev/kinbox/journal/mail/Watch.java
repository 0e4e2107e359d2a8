package dev.kinbox.journal.mail;

/** A running watch of one folder; {@link #close()} stops it (idempotent, never throws). */
public interface Watch extends AutoCloseable {
    /** The watched folder. */
    String folder();

    /** How the watch learns of changes, for reports and benchmarks: {@code idle}, {@code poll} or {@code memory}. */
    String mode();

    @Override void close();
}
