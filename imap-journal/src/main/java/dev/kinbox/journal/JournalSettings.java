package dev.kinbox.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's settings, parsed once from {@code kinbox.runtime}, {@code kinbox.snapshot-store} and
 * {@code kinbox.query} (every key is documented in {@code reference.conf}). Bad values are a
 * {@link JournalException.BadConfig} naming the key.
 *
 * @param store              {@code memory:<name>}, {@code greenmail} or an {@code imap://} URL
 * @param localDir           LevelDB directory; empty for an in-memory local log
 * @param localFsync         fsync each local append
 * @param accountId          account id of device persistence ids
 * @param deviceId           this device's id; empty to derive it from the device key
 * @param deviceKeyFile      armored secret key; empty to generate one
 * @param siblings           paired siblings' device ids and certificate files
 * @param upload             uploader limits and retry policy
 * @param blockingDispatcher dispatcher for blocking network work (uploads, queries, restores)
 * @param localDispatcher    dispatcher for the local log's work (the journal's and snapshot store's
 *                           writes and reads), so a persist never waits behind IMAP round trips
 * @param compact            delete covered server entries after a snapshot is on the server
 * @param keepSnapshots      newest snapshots kept per persistence id when one is saved (older ones are
 *                           deleted here and on the server); 0 keeps every one until Pekko deletes it
 * @param sweepInterval      how often a live query looks at its sibling's folder (a STATUS) without a
 *                           nudge, while the watch on this device's own folder is not running
 * @param watchedSweepInterval the same while that watch runs: nudges then wake the query as entries
 *                           come, and the sweep only catches a nudge that was never written
 * @param watchNudges        watch our own folder for nudges
 * @param maxFetch           messages per FETCH in queries
 * @param refusedPassOver    how long a message the server refuses to serve fails a reader's steps
 *                           before the reader passes over it as a gap
 */
public record JournalSettings(String store, Optional<Path> localDir, boolean localFsync, String accountId,
                              Optional<String> deviceId, Optional<Path> deviceKeyFile, List<SiblingFile> siblings,
                              Upload upload, String blockingDispatcher, String localDispatcher, boolean compact,
                              int keepSnapshots, Duration sweepInterval, Duration watchedSweepInterval, boolean watchNudges, int maxFetch,
                              Duration refusedPassOver) {

    /** A sibling named in configuration. */
    public record SiblingFile(String deviceId, Path certificateFile) {}

    /**
     * Uploader policy.
     *
     * @param maxEventsPerMessage  events per journal entry message
     * @param maxBytesPerMessage   plaintext bytes per journal entry message
     * @param backoffMin           first retry delay
     * @param backoffMax           longest retry delay
     * @param maxRetriesPerAttempt APPEND attempts before backing off for {@code backoffMax}
     * @param nudgeSiblings        drop nudges after each upload
     * @param deleteWait           longest time {@code deleteMessagesTo} waits for the server copy to be
     *                             deleted (it completes at once when an upload run fails: offline)
     * @param goneFolderWait       longest time the uploads and the nudge watch of a device wait for its
     *                             MUAA's word before they create its folder again, when they found it
     *                             gone and a retirement notice names the device ({@link FolderDoubt})
     */
    public record Upload(int maxEventsPerMessage, int maxBytesPerMessage, Duration backoffMin, Duration backoffMax,
                         int maxRetriesPerAttempt, boolean nudgeSiblings, Duration deleteWait, Duration goneFolderWait) {
        public Upload {
            if (maxEventsPerMessage < 1 || maxEventsPerMessage > 10_000) {
                throw new JournalException.BadConfig("upload.max-events-per-message must be 1..10000");
            }
            if (maxBytesPerMessage < 1024 || maxBytesPerMessage > (16 << 20)) {
                throw new JournalException.BadConfig("upload.max-bytes-per-message must be 1 KiB..16 MiB");
            }
            if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
                throw new JournalException.BadConfig("upload.backoff-min must be >= 0 and <= backoff-max");
            }
            if (maxRetriesPerAttempt < 1) throw new JournalException.BadConfig("upload.max-retries-per-attempt must be >= 1");
            if (deleteWait.isNegative()) throw new JournalException.BadConfig("upload.delete-wait must be >= 0");
            if (goneFolderWait.isNegative()) throw new JournalException.BadConfig("upload.gone-folder-wait must be >= 0");
        }
    }

    public JournalSettings {
        if (store == null || store.isBlank()) throw new JournalException.BadConfig("kinbox.runtime.store is empty");
        siblings = List.copyOf(siblings);
        if (sweepInterval.isNegative() || sweepInterval.isZero()) throw new JournalException.BadConfig("kinbox.query.sweep-interval must be > 0");
        if (watchedSweepInterval.compareTo(sweepInterval) < 0) {
            throw new JournalException.BadConfig("kinbox.query.watched-sweep-interval (" + watchedSweepInterval + ") must be >= kinbox.query.sweep-interval ("
                    + sweepInterval + ")");
        }
        if (maxFetch < 1 || maxFetch > 10_000) throw new JournalException.BadConfig("kinbox.query.max-fetch must be 1..10000");
        if (keepSnapshots < 0) throw new JournalException.BadConfig("kinbox.snapshot-store.keep-newest must be >= 0");
        if (refusedPassOver.isNegative()) throw new JournalException.BadConfig("kinbox.query.refused-pass-over must be >= 0");
    }

    /** Parses the {@code kinbox} subtree of a system's configuration. */
    public static JournalSettings fromConfig(Config root) {
        try {
            Config r = root.getConfig("kinbox.runtime");
            Config u = r.getConfig("upload");
            List<SiblingFile> sibs = new ArrayList<>();
            for (Config s : r.getConfigList("siblings")) {
                sibs.add(new SiblingFile(s.getString("device-id"), Path.of(s.getString("certificate-file"))));
            }
            Upload upload = new Upload(u.getInt("max-events-per-message"), u.getInt("max-bytes-per-message"),
                    u.getDuration("backoff-min"), u.getDuration("backoff-max"), u.getInt("max-retries-per-attempt"),
                    u.getBoolean("nudge-siblings"), u.getDuration("delete-wait"), u.getDuration("gone-folder-wait"));
            return new JournalSettings(r.getString("store"), path(r.getString("local-dir")), r.getBoolean("local-fsync"),
                    r.getString("account-id"), nonEmpty(r.getString("device-id")), path(r.getString("device-key-file")), sibs,
                    upload, r.getString("blocking-dispatcher"), r.getString("local-dispatcher"), root.getBoolean("kinbox.snapshot-store.compact"),
                    root.getInt("kinbox.snapshot-store.keep-newest"),
                    root.getDuration("kinbox.query.sweep-interval"), root.getDuration("kinbox.query.watched-sweep-interval"),
                    root.getBoolean("kinbox.query.watch-nudges"),
                    root.getInt("kinbox.query.max-fetch"), root.getDuration("kinbox.query.refused-pass-over"));
        } catch (ConfigException e) {
            throw new JournalException.BadConfig("bad kinbox configuration: " + e.getMessage());
        }
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static Optional<Path> path(String s) {
        return nonEmpty(s).map(Path::of);
    }
}
