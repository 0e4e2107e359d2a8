package dev.kinbox.actors.remailer;

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
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One instance's view of a shared store, with hooks at the two steps of a claim, so a test can put
 * another instance's pass (or a failure) exactly between an exclusive CREATE and the MOVE after it.
 * Each hook runs once and is then cleared. Closing it leaves the shared store open.
 */
final class ScriptedStore implements MailStore {
    private final MailStore delegate;
    private Consumer<String> afterCreate;
    private BiConsumer<String, String> beforeMove;

    ScriptedStore(MailStore delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code hook} (with the folder's name) right after the next successful exclusive create. */
    void afterNextCreate(Consumer<String> hook) {
        afterCreate = hook;
    }

    /** Runs {@code hook} (source, target) right before the next move; a hook that throws fails the move. */
    void beforeNextMove(BiConsumer<String, String> hook) {
        beforeMove = hook;
    }

    @Override public boolean createFolderExclusive(String folder) {
        boolean made = delegate.createFolderExclusive(folder);
        Consumer<String> h = afterCreate;
        if (made && h != null) {
            afterCreate = null;
            h.accept(folder);
        }
        return made;
    }

    @Override public Map<Long, Long> move(String folder, Collection<Long> uids, String target) {
        BiConsumer<String, String> h = beforeMove;
        if (h != null) {
            beforeMove = null;
            h.accept(folder, target);
        }
        return delegate.move(folder, uids, target);
    }

    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }
    @Override public List<String> listFolders() { return delegate.listFolders(); }
    @Override public void createFolder(String folder) { delegate.createFolder(folder); }
    @Override public void deleteFolder(String folder) { delegate.deleteFolder(folder); }
    @Override public FolderStatus status(String folder) { return delegate.status(folder); }
    @Override public AppendResult append(String folder, List<NewMessage> messages) { return delegate.append(folder, messages); }
    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) { return delegate.fetch(folder, range, what); }
    @Override public List<Long> search(String folder, String header, String value) { return delegate.search(folder, header, value); }
    @Override public void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set) { delegate.flag(folder, uids, flags, set); }
    @Override public void delete(String folder, Collection<Long> uids) { delegate.delete(folder, uids); }
    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) { return delegate.watch(folder, listener); }
    @Override public void close() { }
}
