package dev.kinbox.journal.mail;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Fault hooks of a {@link MemoryMailStore}: what a slow network or a hostile provider can do.
 * Settings take effect for the next command; all methods are thread-safe.
 */
public final class MemoryFaults {
    /** Where a dropped connection cuts a command. */
    public enum DropPoint {
        /** Before the server applied the command: nothing happened. */
        BEFORE_APPLY,
        /** After the server applied it, before the reply arrived: it happened, but the caller sees an error. */
        AFTER_APPLY
    }

    private final MemoryMailStore store;
    private volatile Duration latency = Duration.ZERO;
    private int drops;
    private DropPoint dropPoint = DropPoint.BEFORE_APPLY;

    MemoryFaults(MemoryMailStore store) {
        this.store = store;
    }

    /** Every later command waits this long before it runs (zero to turn off). */
    public MemoryFaults latency(Duration perCommand) {
        if (perCommand.isNegative()) throw new IllegalArgumentException("negative latency");
        this.latency = perCommand;
        return this;
    }

    /**
     * The next {@code commands} commands fail with {@link MailStoreException.ConnectionLost} at the
     * given point; running watches see the connection drop and report {@link FolderEvent.Reconnected}.
     */
    public synchronized MemoryFaults dropConnections(int commands, DropPoint point) {
        if (commands < 0) throw new IllegalArgumentException("negative count");
        this.drops = commands;
        this.dropPoint = point;
        store.reconnectWatches();
        return this;
    }

    /** Gives the folder a new UIDVALIDITY and renumbers its messages from UID 1, as a restored server might. */
    public void resetUidValidity(String folder) {
        store.hostileResetUidValidity(Requests.folder(folder));
    }

    /**
     * Restores the folder as from a backup, in one step: a new UIDVALIDITY (from the store's clock),
     * and all its messages - hidden ones too, a backup holds what was stored - with their flags stored
     * again from UID 1 in a shuffled order (seeded by the store's Random). Watches report
     * {@link FolderEvent.UidValidityChanged}, then {@link FolderEvent.Changed}.
     * {@link MailStoreException.FolderMissing} when there is no such folder.
     */
    public void rebuild(String folder) {
        rebuild(folder, 0);
    }

    /**
     * As {@link #rebuild(String)}, from a backup older than the folder's {@code newestLost} newest
     * messages (by UID): they are not restored.
     */
    public void rebuild(String folder, int newestLost) {
        if (newestLost < 0) throw new IllegalArgumentException("newestLost must be at least 0: " + newestLost);
        store.hostileRebuild(Requests.folder(folder), newestLost);
    }

    /** Silently removes a message (a provider withholding an entry). */
    public void deleteMessage(String folder, long uid) {
        store.hostileDelete(Requests.folder(folder), uid);
    }

    /**
     * Hides a stored message, keeping its UID, until {@link #reveal}: what a server that shows a message
     * only after one with a higher UID looks like to its readers (GreenMail with concurrent APPENDs).
     */
    public void hide(String folder, long uid) {
        store.hostileHide(Requests.folder(folder), uid);
    }

    /** Shows the messages {@link #hide} hid in {@code folder} again, under their UIDs. */
    public void reveal(String folder) {
        store.hostileReveal(Requests.folder(folder));
    }

    /** Re-stores all messages in a shuffled order under new, higher UIDs (seeded by the store's Random). */
    public void reorder(String folder) {
        store.hostileReorder(Requests.folder(folder));
    }

    /** Replaces a stored message's bytes in place, keeping its UID (forbidden by IMAP, possible for a provider). */
    public void alter(String folder, long uid, UnaryOperator<byte[]> change) {
        store.hostileAlter(Requests.folder(folder), uid, change);
    }

    /** Stores a message nobody appended (a forged entry); returns its UID. */
    public long inject(String folder, NewMessage message) {
        return store.hostileInject(Requests.folder(folder), message);
    }

    Duration latency() {
        return latency;
    }

    /** Consumes one drop if due at this point; true means: fail the command now. */
    synchronized boolean dropNow(DropPoint point) {
        if (drops > 0 && dropPoint == point) {
            drops--;
            return true;
        }
        return false;
    }
}
