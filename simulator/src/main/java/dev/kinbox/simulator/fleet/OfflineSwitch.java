package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;

/**
 * A device's view of its mailbox that can be cut off: while offline every operation fails with
 * {@link MailStoreException.ConnectionLost}, as a phone in a tunnel would see it; watches stay
 * registered (their events are harmless: reading fails until the device is back).
 */
final class OfflineSwitch extends GuardedStore {
    private volatile boolean offline;

    OfflineSwitch(MailStore delegate) { super(delegate); }

    void offline(boolean off) { offline = off; }

    @Override void enter(String op) {
        if (offline) throw new MailStoreException.ConnectionLost(op + ": device offline (simulated)", null);
    }
}
