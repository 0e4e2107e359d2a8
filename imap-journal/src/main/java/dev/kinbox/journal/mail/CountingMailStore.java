package dev.kinbox.journal.mail;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A {@link MailStore} that forwards every call and counts the server operations it asked for (one
 * per call; a MULTIAPPEND of many messages is one), in all and by IMAP command, for benchmarks and
 * the simulator's "IMAP operations per edit". Watches are not counted (their polling is the store's
 * own business).
 * Closing it closes the delegate only when {@code closeDelegate} is set, so a benchmark can hand
 * a shared store to a component that closes what it is given.
 */
public final class CountingMailStore implements MailStore {
    private final MailStore delegate;
    private final boolean closeDelegate;
    private final LongAdder operations = new LongAdder();
    private final Map<String, LongAdder> byCommand = new ConcurrentHashMap<>();

    public CountingMailStore(MailStore delegate, boolean closeDelegate) {
        this.delegate = delegate;
        this.closeDelegate = closeDelegate;
    }

    /** Operations forwarded so far. */
    public long operations() {
        return operations.sum();
    }

    /**
     * Operations forwarded so far by IMAP command: {@code LIST}, {@code CREATE}, {@code DELETE} (a
     * folder), {@code STATUS}, {@code APPEND}, {@code FETCH}, {@code SEARCH}, {@code STORE} (flags),
     * {@code EXPUNGE} (messages) and {@code MOVE}; commands not asked for are left out.
     */
    public Map<String, Long> operationsByCommand() {
        Map<String, Long> out = new TreeMap<>();
        byCommand.forEach((command, n) -> out.put(command, n.sum()));
        return out;
    }

    private <T> T count(String command, T result) {
        count(command);
        return result;
    }

    private void count(String command) {
        operations.increment();
        byCommand.computeIfAbsent(command, c -> new LongAdder()).increment();
    }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { return count("LIST", delegate.listFolders()); }
    @Override public void createFolder(String folder) { count("CREATE"); delegate.createFolder(folder); }
    @Override public boolean createFolderExclusive(String folder) { count("CREATE"); return delegate.createFolderExclusive(folder); }
    @Override public void deleteFolder(String folder) { count("DELETE"); delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { return count("STATUS", delegate.status(folder)); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { return count("APPEND", delegate.append(folder, messages)); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { return count("FETCH", delegate.fetch(folder, range, what)); }
    @Override public List<Long> search(String folder, String header, String value) { return count("SEARCH", delegate.search(folder, header, value)); }

    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) {
        count("STORE");
        delegate.flag(folder, uids, flags, set);
    }

    @Override public void delete(String folder, Collection<Long> uids) { count("EXPUNGE"); delegate.delete(folder, uids); }
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) {
        count("EXPUNGE");
        delegate.delete(folder, uids, uidValidity);
    }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { return count("MOVE", delegate.move(folder, uids, target)); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }

    @Override public void close() {
        if (closeDelegate) delegate.close();
    }
}
