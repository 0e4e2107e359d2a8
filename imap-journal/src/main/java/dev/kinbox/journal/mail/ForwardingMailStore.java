package dev.kinbox.journal.mail;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link MailStore} that hands every call to {@code delegate}: the base of wrappers that change one
 * or two operations (tests that make a server misbehave at an exact moment). Closing it closes the delegate.
 */
public abstract class ForwardingMailStore implements MailStore {
    protected final MailStore delegate;

    protected ForwardingMailStore(MailStore delegate) { this.delegate = delegate; }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { return delegate.listFolders(); }
    @Override public void createFolder(String folder) { delegate.createFolder(folder); }
    @Override public boolean createFolderExclusive(String folder) { return delegate.createFolderExclusive(folder); }
    @Override public void deleteFolder(String folder) { delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { return delegate.status(folder); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { return delegate.append(folder, messages); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { return delegate.fetch(folder, range, what); }
    @Override public List<Long> search(String folder, String header, String value) { return delegate.search(folder, header, value); }
    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) { delegate.flag(folder, uids, flags, set); }
    @Override public void delete(String folder, Collection<Long> uids) { delegate.delete(folder, uids); }
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) { delegate.delete(folder, uids, uidValidity); }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { return delegate.move(folder, uids, target); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }
    @Override public void close() { delegate.close(); }
}
