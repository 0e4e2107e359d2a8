package dev.kinbox.journal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one runtime, for tests, logs and benchmarks: what was uploaded, what failed, what was
 * skipped because it was malformed or untrusted, and sequence gaps seen in siblings' folders.
 */
public final class JournalStats {
    /** Journal entry messages confirmed on the server. */
    public final LongAdder uploadedMessages = new LongAdder();
    /** Events in them. */
    public final LongAdder uploadedEvents = new LongAdder();
    /** Failed upload runs (each retried with backoff). */
    public final LongAdder uploadFailures = new LongAdder();
    /** Failed reads of live and current queries and of nudge clean-up (retried at the next wake-up). */
    public final LongAdder readFailures = new LongAdder();
    /** Nudges that could not be dropped (a hint only; the sibling's sweep catches up). */
    public final LongAdder nudgeFailures = new LongAdder();
    /** Server messages deleted by compaction. */
    public final LongAdder compactedMessages = new LongAdder();
    /** Messages skipped because their header or body did not parse. */
    public final LongAdder malformed = new LongAdder();
    /**
     * Messages skipped because they did not decrypt or were not signed by a paired device, or because
     * they sit in a device's folder in another device's name.
     */
    public final LongAdder untrusted = new LongAdder();
    /**
     * Journal entries that appeared in a sibling's folder after their events had been read (a
     * provider replaying an old entry under a new UID): skipped.
     */
    public final LongAdder replayed = new LongAdder();
    /** Sequence gaps (withheld entries) seen while reading a sibling. */
    public final LongAdder gaps = new LongAdder();
    /**
     * Messages of a sibling's folder the server refused to serve (a FETCH answered NO or BAD, or a reply
     * that is not IMAP) for longer than {@code kinbox.query.refused-pass-over}, and that the reader then
     * passed over: what they held is a gap (counted in {@link #gaps} too when it leaves a sequence gap)
     * until the server serves them again - the reader tries them every {@code refused-pass-over} - or
     * the author's next snapshot heals it. Each message once per reader.
     */
    public final LongAdder passedOver = new LongAdder();
    /** Events restored from the server into the local log. */
    public final LongAdder restoredEvents = new LongAdder();
    /**
     * Times an own folder came back under a new UIDVALIDITY without some of what this device had
     * uploaded (a server restored from an older backup), and the uploader uploaded it again.
     */
    public final LongAdder foldersRepaired = new LongAdder();
    /**
     * Times an audit of an own folder ({@code KinboxJournalRuntime.auditOwnFolder}) found some of what
     * this device had uploaded gone or altered in the same UIDVALIDITY - deleted on the server behind
     * its back - and the uploader uploaded it again.
     */
    public final LongAdder auditRepairs = new LongAdder();
    /** Audits of an own folder that failed (the server busy or refusing a header); the next audit tries again. */
    public final LongAdder auditFailures = new LongAdder();
    /**
     * Messages of {@code _Autocrypt_SMA} (announcements, retirement notices) that did not parse or verify,
     * summed over the devices of this runtime: each device counts each message once (by UID). Counted by
     * the devices (module {@code actors}), which also count their own ({@code LifecycleStats}).
     */
    public final LongAdder announcementsRefused = new LongAdder();
    /**
     * Messages of {@code _Autocrypt_SMA} in a device's own name (its announcements and retirement
     * notices) that it did not write - they do not verify with its own certificate - deleted by that
     * device (forged or altered by the provider; docs/PROTOCOL.md, "Announcements and bootstrap").
     */
    public final LongAdder impostorsDeleted = new LongAdder();
}
