package dev.kinbox.journal.mail;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one way Kinbox reads and writes mailboxes: first-level folders of one account, messages in
 * them addressed by UID. Implementations: {@link ImapMailStore} (a real server through Angus Mail) and
 * {@link MemoryMailStore} (in-process, with fault hooks); {@link MailStores#open} builds either from a
 * spec string. Both pass the same contract test suite.
 *
 * <p>Semantics are IMAP's: UIDs in a folder strictly increase and are never reused while the folder's
 * UIDVALIDITY stays the same; deleting and recreating a folder changes its UIDVALIDITY.
 *
 * <p>All methods are thread-safe and bounded in time: every one either returns or throws a
 * {@link MailStoreException} within the configured timeouts. Folder names are first-level only
 * ({@code [A-Za-z0-9_-]}, at most 200 characters, or {@code INBOX}); anything else is refused with
 * {@link MailStoreException.InvalidRequest} before anything is sent.
 */
public interface MailStore extends AutoCloseable {

    /** The capabilities this store's connections have (IMAP: discovered once per connection). */
    Set<Capability> capabilities();

    /** The first-level folders, INBOX included. */
    List<String> listFolders();

    /** Creates a first-level folder; creating one that exists is not an error (see {@link #createFolderExclusive}). */
    void createFolder(String folder);

    /**
     * Creates a first-level folder only if none of that name exists: true when this call created it,
     * false when it already existed. When several sessions create the same name at once exactly one of
     * them gets true, on every supported server (an IMAP {@code CREATE} of an existing mailbox fails;
     * tested on memory, GreenMail and Dovecot/maildir), which makes it a lock: the remailer claims a post
     * this way. Never retried automatically: after {@link MailStoreException.Timeout} or
     * {@link MailStoreException.ConnectionLost} the folder may exist (find it with {@link #listFolders}).
     * The default refuses with {@link MailStoreException.CommandRefused}, so a forwarding wrapper that
     * does not delegate it fails loudly instead of handing out a lock that is not one.
     */
    default boolean createFolderExclusive(String folder) {
        throw new MailStoreException.CommandRefused(getClass().getSimpleName() + " does not support an exclusive create", null);
    }

    /** Deletes a folder and its messages; {@link MailStoreException.FolderMissing} if there is none. */
    void deleteFolder(String folder);

    /**
     * MESSAGES, UIDNEXT, UIDVALIDITY and, with CONDSTORE, HIGHESTMODSEQ, as the server has them now:
     * counting messages other sessions appended, also when this store's connection has the folder
     * selected (a server may answer that from the session's own view, so it is synced first).
     */
    FolderStatus status(String folder);

    /**
     * Appends messages in one round trip where the server allows (MULTIAPPEND), else one command
     * each. Either all are stored or the call throws; on {@link MailStoreException.Timeout} or
     * {@link MailStoreException.ConnectionLost} some may have been stored (find them by Message-ID).
     */
    AppendResult append(String folder, List<NewMessage> messages);

    /** Appends one message and returns its UID (0 if it cannot be known, see {@link AppendResult}). */
    default long append(String folder, NewMessage message) {
        return append(folder, List.of(message)).uids().get(0);
    }

    /** The messages with UIDs in the range, ascending by UID, in one command. */
    List<StoredMessage> fetch(String folder, UidRange range, Fetch what);

    /** UIDs (ascending) of messages whose header {@code header} contains {@code value} (IMAP SEARCH HEADER). */
    List<Long> search(String folder, String header, String value);

    /** Adds ({@code set}) or removes flags on the given UIDs; unknown UIDs are ignored. */
    void flag(String folder, Collection<Long> uids, Set<Flag> flags, boolean set);

    /** Removes the given UIDs for good (UID EXPUNGE where possible); unknown UIDs are ignored. */
    void delete(String folder, Collection<Long> uids);

    /**
     * As {@link #delete(String, Collection)}, but only while the folder's UIDVALIDITY is
     * {@code uidValidity}, the one the UIDs were listed under: a folder rebuilt since (a server
     * restored from a backup) gives them to other messages. Otherwise
     * {@link MailStoreException.UidValidityChanged} and nothing is deleted. The memory and IMAP stores
     * check in the same step as the deletion (IMAP: on the SELECT the deletion runs in); this default,
     * for wrappers that do not forward it, checks with a STATUS just before. {@code uidValidity} 0: not
     * checked (as the two-argument form).
     */
    default void delete(String folder, Collection<Long> uids, long uidValidity) {
        long now = uidValidity == 0 ? 0 : status(folder).uidValidity();
        if (now != uidValidity) throw new MailStoreException.UidValidityChanged(folder, uidValidity, now);
        delete(folder, uids);
    }

    /**
     * Moves messages from {@code folder} to {@code target}, each one atomically on the server (IMAP
     * {@code UID MOVE}, RFC 6851, one command per UID; the target UIDs come from {@code COPYUID}).
     * Returns source UID -> target UID for exactly the messages this call moved: a UID that is not, or
     * no longer, in {@code folder} is left out. When several sessions move the same UID at once, memory
     * and GreenMail give it to exactly one, but Dovecot on maildir can give it to both (both copy, both
     * answer {@code COPYUID}): do not use a move as a lock, use {@link #createFolderExclusive}. Needs MOVE and UIDPLUS
     * ({@link MailStoreException.CommandRefused} without them: COPY + EXPUNGE would not be atomic).
     * Never retried automatically: after {@link MailStoreException.Timeout} or
     * {@link MailStoreException.ConnectionLost} a move may have happened (look in {@code target}).
     */
    java.util.Map<Long, Long> move(String folder, Collection<Long> uids, String target);

    /**
     * Watches a folder until the returned handle is closed. Events arrive on a thread of the store,
     * in order, never concurrently for one watch; a listener that throws is logged and kept. The
     * watch survives lost connections (reporting {@link FolderEvent.Reconnected}) and reports a
     * changed UIDVALIDITY as {@link FolderEvent.UidValidityChanged}.
     */
    Watch watch(String folder, Consumer<FolderEvent> listener);

    /** Closes connections and stops watches; idempotent. */
    @Override void close();
}
