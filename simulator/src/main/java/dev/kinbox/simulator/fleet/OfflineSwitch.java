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
import java.util.function.Consumer;

/**
 * A device's view of its mailbox that can be cut off: while offline every operation fails with
 * {@link MailStoreException.ConnectionLost}, as a phone in a tunnel would see it; watches stay
 * registered (their events are harmless: reading fails until the device is back).
 */
final class OfflineSwitch implements MailStore {
    private final MailStore delegate;
    private volatile boolean offline;

    OfflineSwitch(MailStore delegate) { this.delegate = delegate; }

    void offline(boolean off) { offline = off; }

    private void check(String op) {
        if (offline) throw new MailStoreException.ConnectionLost(op + ": device offline (simulated)", null);
    }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { check("LIST"); return delegate.listFolders(); }
    @Override public void createFolder(String folder) { check("CREATE"); delegate.createFolder(folder); }
    @Override public void deleteFolder(String folder) { check("DELETE"); delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { check("STATUS"); return delegate.status(folder); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { check("APPEND"); return delegate.append(folder, messages); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { check("FETCH"); return delegate.fetch(folder, range, what); }
    @Override public List<Long> search(String folder, String header, String value) { check("SEARCH"); return delegate.search(folder, header, value); }
    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) { check("STORE"); delegate.flag(folder, uids, flags, set); }
    @Override public void delete(String folder, Collection<Long> uids) { check("EXPUNGE"); delegate.delete(folder, uids); }
    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) { check("MOVE"); return delegate.move(folder, uids, target); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }
    @Override public void close() { delegate.close(); }
}
