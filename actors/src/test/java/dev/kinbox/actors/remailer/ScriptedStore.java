package dev.kinbox.actors.remailer;

import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.MailStore;
import java.util.Collection;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One instance's view of a shared store, with hooks at the two steps of a claim, so a test can put
 * another instance's pass (or a failure) exactly between an exclusive CREATE and the MOVE after it,
 * and before a deletion (a server restored from a backup between a listing and the deletion).
 * Each hook runs once and is then cleared. Closing it leaves the shared store open.
 */
final class ScriptedStore extends ForwardingMailStore {
    private Consumer<String> afterCreate;
    private BiConsumer<String, String> beforeMove;
    private Consumer<String> beforeDelete;

    ScriptedStore(MailStore delegate) {
        super(delegate);
    }

    /** Runs {@code hook} (with the folder's name) right after the next successful exclusive create. */
    void afterNextCreate(Consumer<String> hook) {
        afterCreate = hook;
    }

    /** Runs {@code hook} (source, target) right before the next move; a hook that throws fails the move. */
    void beforeNextMove(BiConsumer<String, String> hook) {
        beforeMove = hook;
    }

    /** Runs {@code hook} (with the folder's name) right before the next deletion of messages. */
    void beforeNextDelete(Consumer<String> hook) {
        beforeDelete = hook;
    }

    @Override public void delete(String folder, Collection<Long> uids) {
        runBeforeDelete(folder);
        delegate.delete(folder, uids);
    }

    @Override public void delete(String folder, Collection<Long> uids, long uidValidity) {
        runBeforeDelete(folder);
        delegate.delete(folder, uids, uidValidity);
    }

    private void runBeforeDelete(String folder) {
        Consumer<String> h = beforeDelete;
        if (h != null) {
            beforeDelete = null;
            h.accept(folder);
        }
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

    @Override public void close() { } // the shared store stays open
}
