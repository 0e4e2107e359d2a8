package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the hostile provider can do to one account's mailbox: read it, store a message nobody
 * appended, delete one silently, alter one. On the memory store through its fault hooks (an altered
 * message keeps its UID, as storage changed behind the server's back would). On an IMAP server
 * through a session of the account's own: APPEND, and UID EXPUNGE after a \Deleted flag; IMAP cannot
 * change a stored message, so an alteration is the altered copy appended and the original expunged -
 * readers see it under a new UID. Either way the devices get bytes they did not write, which is what
 * the protocol must refuse.
 */
public interface ProviderAccess {
    /** The mailbox, to read as any client does. */
    MailStore mailbox();

    /** Stores {@code message} in {@code folder}; returns its UID. */
    long inject(String folder, NewMessage message);

    /** Removes message {@code uid}; {@link MailStoreException.InvalidRequest} if it is not there (any more). */
    void delete(String folder, long uid);

    /** Replaces message {@code uid} by {@code change} of its bytes; {@link MailStoreException.InvalidRequest} if it is not there. */
    void alter(String folder, long uid, UnaryOperator<byte[]> change);

    /** Through the memory store's fault hooks. */
    static ProviderAccess of(MemoryMailStore store) {
        return new ProviderAccess() {
            @Override public MailStore mailbox() { return store; }

            @Override public long inject(String folder, NewMessage message) { return store.faults().inject(folder, message); }

            @Override public void delete(String folder, long uid) { store.faults().deleteMessage(folder, uid); }

            @Override public void alter(String folder, long uid, UnaryOperator<byte[]> change) { store.faults().alter(folder, uid, change); }
        };
    }

    /** Through an IMAP session of the account's ({@code session} stays open; its owner closes it). */
    static ProviderAccess overImap(MailStore session) {
        return new ProviderAccess() {
            @Override public MailStore mailbox() { return session; }

            @Override public long inject(String folder, NewMessage message) { return session.append(folder, message); }

            @Override public void delete(String folder, long uid) {
                stored(folder, uid);
                if (!expunged(folder, uid)) throw new MailStoreException.InvalidRequest("no message " + uid + " in " + folder);
            }

            @Override public void alter(String folder, long uid, UnaryOperator<byte[]> change) {
                StoredMessage m = stored(folder, uid);
                session.append(folder, NewMessage.of(change.apply(m.raw()), m.flags().toArray(new Flag[0])));
                expunged(folder, uid); // the altered copy is in; the original gone either way
            }

            /**
             * UID EXPUNGE of one message: false when the server refused it because the message was gone - the device
             * expunged it since this session fetched it (its compaction), and GreenMail answers NO "No such message"
             * then (seen in a hostile GreenMail run at seed 21, where the act failed as a step error).
             */
            private boolean expunged(String folder, long uid) {
                try {
                    session.delete(folder, List.of(uid));
                    return true;
                } catch (MailStoreException.CommandRefused refused) {
                    try {
                        stored(folder, uid);
                    } catch (MailStoreException.InvalidRequest gone) {
                        return false;
                    }
                    throw refused; // still there: refused for another reason
                }
            }

            private StoredMessage stored(String folder, long uid) {
                List<StoredMessage> found;
                try {
                    found = session.fetch(folder, UidRange.of(uid), Fetch.FULL);
                } catch (MailStoreException.CommandRefused | MailStoreException.FolderMissing expungedMeanwhile) {
                    throw new MailStoreException.InvalidRequest("no message " + uid + " in " + folder);
                }
                // Dovecot answers a message another session expunged meanwhile with an empty header block (vanished)
                if (found.isEmpty() || found.get(0).uid() != uid || found.get(0).vanished()) {
                    throw new MailStoreException.InvalidRequest("no message " + uid + " in " + folder);
                }
                return found.get(0);
            }
        };
    }
}
