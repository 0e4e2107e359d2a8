package dev.kinbox.journal.mail;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A watch on a {@link MemoryMailStore} folder: events go through the store's single event thread, in order. */
final class MemoryWatch implements Watch {
    private static final Logger log = LoggerFactory.getLogger(MemoryWatch.class);

    private final String folder;
    private final Consumer<FolderEvent> listener;
    private final Executor events;
    private final Consumer<MemoryWatch> onClose;
    private long knownUidValidity;
    private volatile boolean stopped;

    MemoryWatch(String folder, Consumer<FolderEvent> listener, long uidValidity, Executor events, Consumer<MemoryWatch> onClose) {
        this.folder = folder;
        this.listener = listener;
        this.knownUidValidity = uidValidity;
        this.events = events;
        this.onClose = onClose;
    }

    /** Called under the store lock when the folder (re)appears or is renumbered. */
    void found(long uidValidity) {
        if (uidValidity != knownUidValidity) {
            post(new FolderEvent.UidValidityChanged(folder, knownUidValidity, uidValidity));
            knownUidValidity = uidValidity;
        }
    }

    void post(FolderEvent e) {
        if (stopped) return;
        try {
            events.execute(() -> {
                if (stopped) return;
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    log.warn("watch listener for {} threw on {}", folder, e, ex);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // store closed: watches are over
        }
    }

    @Override public String folder() { return folder; }

    @Override public String mode() { return "memory"; }

    @Override public void close() {
        stopped = true;
        onClose.accept(this);
    }
}
