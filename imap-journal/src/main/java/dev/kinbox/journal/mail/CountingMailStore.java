package dev.kinbox.journal.mail;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A {@link MailStore} that forwards every call and counts the server operations it asked for (one
 * per call; a MULTIAPPEND of many messages is one), for benchmarks and the simulator's
 * "IMAP operations per edit". Watches are not counted (their polling is the store's own business).
 * Closing it closes the delegate only when {@code closeDelegate} is set, so a benchmark can hand
 * a shared store to a component that closes what it is given.
 */
public final class CountingMailStore implements MailStore {
    private final MailStore delegate;
    private final boolean closeDelegate;
    private final LongAdder operations = new LongAdder();

    public CountingMailStore(MailStore delegate, boolean closeDelegate) {
        this.delegate = delegate;
        this.closeDelegate = closeDelegate;
    }

    /** Operations forwarded so far. */
    public long operations() {
        return operations.sum();
    }

    private <T> T count(T result) {
        operations.increment();
        return result;
    }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { return count(delegate.listFolders()); }
    @Override public void createFolder(String folder) { operations.increment(); delegate.createFolder(folder); }
    @Override public boolean createFolderExclusive(String folder) { operations.increment(); return delegate.createFolderExclusive(folder); }
    @Override public void deleteFolder(String folder) { operations.increment(); delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { return count(delegate.status(folder)); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { return count(delegate.append(folder, messages)); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { return count(delegate.fetch(folder, range, what)); }
    @Override public List<Long> search(String folder, String header, String value) { return count(delegate.search(folder, header, value)); }

    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) {
        operations.increment();
        delegate.flag(folder, uids, flags, set);
    }

    @Override public void delete(String folder, Collection<Long> uids) { operations.increment(); delegate.delete(folder, uids); }
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) {
        operations.increment();
        delegate.delete(folder, uids, uidValidity);
    }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { return count(delegate.move(folder, uids, target)); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }

    @Override public void close() {
        if (closeDelegate) delegate.close();
    }
}
