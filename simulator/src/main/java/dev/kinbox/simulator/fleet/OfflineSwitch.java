package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.Watch;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A device's view of its mailbox that can be cut off: while offline every operation fails with
 * {@link MailStoreException.ConnectionLost}, as a phone in a tunnel would see it; watches stay
 * registered (their events are harmless: reading fails until the device is back). Coming back
 * online, every watch reports {@link FolderEvent.Reconnected}, as a real client's watch does when its
 * connection returns ({@code ImapWatch}): without it a device that missed a sibling's nudge while
 * offline found the entry only at its next sweep - 5 minutes apart in a 100,000-device fleet, longer
 * than the run's settle (two accounts did not converge).
 */
final class OfflineSwitch extends GuardedStore {
    private final Set<Registered> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean offline;

    OfflineSwitch(MailStore delegate) { super(delegate); }

    /** Cuts the device off, or brings it back (then its watches report a reconnection, on this thread). */
    synchronized void offline(boolean off) {
        boolean was = offline;
        offline = off;
        if (was && !off) {
            for (Registered w : watches) w.reconnected();
        }
    }

    @Override void enter(String op) {
        if (offline) throw new MailStoreException.ConnectionLost(op + ": device offline (simulated)", null);
    }

    @Override public Watch watch(String folder, Consumer<FolderEvent> listener) {
        Registered r = new Registered(super.watch(folder, listener), listener);
        watches.add(r);
        return r;
    }

    /** A watch of the store below, remembered until closed. */
    private final class Registered implements Watch {
        private final Watch inner;
        private final Consumer<FolderEvent> listener;

        Registered(Watch inner, Consumer<FolderEvent> listener) {
            this.inner = inner;
            this.listener = listener;
        }

        void reconnected() {
            try {
                listener.accept(new FolderEvent.Reconnected(inner.folder(), 1));
            } catch (RuntimeException e) {
                // a listener's failure is its own (the store's watches do not stop on one either)
            }
        }

        @Override public String folder() { return inner.folder(); }

        @Override public String mode() { return inner.mode(); }

        @Override public void close() {
            watches.remove(this);
            inner.close();
        }
    }
}
