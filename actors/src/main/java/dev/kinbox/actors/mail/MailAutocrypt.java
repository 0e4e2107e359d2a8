package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Instant;

/**
 * Autocrypt Level 1 on real mail for one account: the pure core the MUAA calls for every mail the
 * client reads or writes. It holds no state and does no I/O: the caller passes the current
 * {@link AccountState}, the parsed {@link AccountKeys} and, for incoming mail, an
 * {@link EventStamp}; it gets back events to persist, a decision, or a decrypted mail. The
 * header grammar, effective date, gossip rules and recommendation are the crypto module's
 * ({@link dev.kinbox.crypto.Autocrypt}); the commutative peer state is the persistence module's.
 *
 * <ul>
 *   <li>{@link #onIncoming} — the sender's {@code Autocrypt} header ({@code PeerAutocryptSeen}) or a
 *       plain sighting ({@code PeerMailSeen}) with the Level 1 effective date; for PGP/MIME mail
 *       opened with any held key, {@code PeerGossipSeen} for gossip about To/Cc recipients; for a
 *       list's mail ({@code List-Id} and {@code _list-recommendation} on the list's own header)
 *       {@code MailingListSeen}. Events the state already contains are not made.</li>
 *   <li>{@link #prepareOutgoing} — the recommendation (per recipient and combined), the decision
 *       with its reason, and the message with our header, encrypted when decided.</li>
 *   <li>{@link #decrypt} — opens PGP/MIME with any held key and checks the signature.</li>
 * </ul>
 *
 * <p>User decisions in the state are respected: a blocked address contributes no events (neither
 * as sender, nor through the gossip in its mail, nor as gossip in others' mail) and gets recommendation {@code DISABLE}; a recipient whose key is not
 * among the fingerprints the user verified for it gets at most {@code DISCOURAGE}. Mail from or
 * gossip about the account's own address never touches the peer keyring.
 *
 * <p>Every failure is a {@link MailProcessingException}; a failed call produces nothing. Sizes are
 * capped ({@link MailSettings#maxMailBytes()}) before anything is parsed. Immutable, thread-safe.
 */
public final class MailAutocrypt {
    private final Crypto crypto;
    private final MailSettings settings;
    private final Incoming incoming;
    private final Outgoing outgoing;
    private final Decryption decryption;

    /**
     * @param crypto   the crypto facade (its clock is not used here)
     * @param clock    "now" for the recommendation's staleness and key-expiry checks
     * @param settings the account address and size cap
     */
    public MailAutocrypt(Crypto crypto, Clock clock, MailSettings settings) {
        this.crypto = crypto;
        this.settings = settings;
        this.incoming = new Incoming(crypto, settings);
        this.outgoing = new Outgoing(crypto, clock, settings);
        this.decryption = new Decryption(crypto, settings);
    }

    /** The account keys of {@code state}, parsed; see {@link AccountKeys#of}. */
    public AccountKeys accountKeys(AccountState state) {
        return AccountKeys.of(crypto, state);
    }

    /**
     * Processes one received mail given as its raw RFC 5322 bytes.
     *
     * @param receivedAt when the mail first arrived (Level 1 effective date when Date is missing or
     *                   in the future); pass the IMAP INTERNALDATE, which every device sees alike,
     *                   not the local reading time, or siblings may record different dates
     * @param stamp      names and times the events; called only for events actually returned
     * @throws MailProcessingException.Malformed over the cap, unparsable MIME, From missing or not
     *         one address, PGP/MIME to one of our keys whose OpenPGP data or inner MIME is broken
     */
    public IncomingResult onIncoming(byte[] raw, Instant receivedAt, AccountState state, AccountKeys keys,
                                     EventStamp stamp) throws MailProcessingException {
        return incoming.process(raw, receivedAt, state, keys, stamp);
    }

    /** As {@link #onIncoming(byte[], Instant, AccountState, AccountKeys, EventStamp)} for a parsed message. */
    public IncomingResult onIncoming(MimeMessage message, Instant receivedAt, AccountState state, AccountKeys keys,
                                     EventStamp stamp) throws MailProcessingException {
        return incoming.process(Mails.bytes(message, settings.maxMailBytes()), receivedAt, state, keys, stamp);
    }

    /**
     * Decides and builds one outgoing mail. From must be the account address; recipients are To,
     * Cc and Bcc minus ourselves. Encrypting means signed by the current account key and encrypted
     * to every recipient's key plus the current account key, as RFC 3156 PGP/MIME, with
     * {@code Autocrypt-Gossip} for each To/Cc recipient inside when there are two or more.
     *
     * @throws MailProcessingException.Refused From is not ours, no current account key, or the
     *         policy demands encryption that some recipient's key does not allow
     * @throws MailProcessingException.Malformed the draft cannot be written or is over the cap
     */
    public OutgoingDecision prepareOutgoing(MimeMessage draft, AccountState state, AccountKeys keys,
                                            OutgoingPolicy policy) throws MailProcessingException {
        return outgoing.prepare(draft, state, keys, policy);
    }

    /**
     * Decrypts a PGP/MIME mail with any account key we hold (current, older or revoked) and checks
     * its signature against the keys the keyring holds for the From address.
     *
     * @throws MailProcessingException.NotEncrypted not multipart/encrypted
     * @throws MailProcessingException.NoMatchingKey encrypted to none of our keys
     * @throws MailProcessingException.Malformed over the cap, broken MIME or OpenPGP data
     */
    public DecryptedMail decrypt(MimeMessage message, AccountState state, AccountKeys keys)
            throws MailProcessingException {
        return decryption.decrypt(Mails.bytes(message, settings.maxMailBytes()), state, keys);
    }

    /** As {@link #decrypt(MimeMessage, AccountState, AccountKeys)} for raw bytes. */
    public DecryptedMail decrypt(byte[] raw, AccountState state, AccountKeys keys) throws MailProcessingException {
        return decryption.decrypt(raw, state, keys);
    }
}
