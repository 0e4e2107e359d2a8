package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.AppendResult;
import dev.kinbox.journal.mail.Capability;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.FolderStatus;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.Watch;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A mail store decorator that passes every command through {@link #enter} first (which may delay
 * it or fail it, e.g. with {@code ConnectionLost}); capabilities, watches and close pass straight through.
 */
abstract class GuardedStore implements MailStore {
    private final MailStore delegate;

    GuardedStore(MailStore delegate) { this.delegate = delegate; }

    /** Called before command {@code op} (its IMAP name) reaches the store. */
    abstract void enter(String op);

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
    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) { enter("EXPUNGE"); delegate.delete(folder, uids, uidValidity); }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { enter("MOVE"); return delegate.move(folder, uids, target); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }
    @Override public void close() { delegate.close(); }
}
