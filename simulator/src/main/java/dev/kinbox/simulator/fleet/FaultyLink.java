package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.AppendResult;
import dev.kinbox.journal.mail.Capability;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.FolderStatus;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.Watch;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A device's mailbox over a bad network, on any store: every operation first waits a delay drawn
 * from an exponential distribution of mean {@code meanLatencyMillis} (from the device's own seeded
 * stream; capped at ten times the mean), and after {@link #drop()} the next operation fails with
 * {@link MailStoreException.ConnectionLost} before it reaches the server. Watches pass through
 * undelayed (they are pushed to, not asked).
 */
final class FaultyLink implements MailStore {
    private final MailStore delegate;
    private final long meanLatencyMillis;
    private final SplittableRandom random;
    private int drops;

    FaultyLink(MailStore delegate, long meanLatencyMillis, SplittableRandom random) {
        if (meanLatencyMillis < 0) throw new IllegalArgumentException("negative latency");
        this.delegate = delegate;
        this.meanLatencyMillis = meanLatencyMillis;
        this.random = random;
    }

    /** The next operation fails as a dropped connection. */
    synchronized void drop() { drops++; }

    private void enter(String op) {
        long delay;
        synchronized (this) {
            if (drops > 0) {
                drops--;
                throw new MailStoreException.ConnectionLost(op + ": connection dropped (simulated)", null);
            }
            delay = meanLatencyMillis == 0 ? 0
                    : Math.min(10 * meanLatencyMillis, (long) (-Math.log(1 - random.nextDouble()) * meanLatencyMillis));
        }
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailStoreException.ConnectionLost(op + ": interrupted during simulated latency", e);
            }
        }
    }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { enter("LIST"); return delegate.listFolders(); }
    @Override public void createFolder(String folder) { enter("CREATE"); delegate.createFolder(folder); }
    @Override public void deleteFolder(String folder) { enter("DELETE"); delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { enter("STATUS"); return delegate.status(folder); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { enter("APPEND"); return delegate.append(folder, messages); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { enter("FETCH"); return delegate.fetch(folder, range, what); }
    @Override public List<Long> search(String folder, String header, String value) { enter("SEARCH"); return delegate.search(folder, header, value); }
    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) { enter("STORE"); delegate.flag(folder, uids, flags, set); }
    @Override public void delete(String folder, Collection<Long> uids) { enter("EXPUNGE"); delegate.delete(folder, uids); }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { enter("MOVE"); return delegate.move(folder, uids, target); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }
    @Override public void close() { delegate.close(); }
}
