package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.mail.MailAutocrypt;
import dev.kinbox.actors.mail.MailProcessingException;
import dev.kinbox.actors.mail.MailSettings;
import dev.kinbox.actors.mail.OutgoingDecision;
import dev.kinbox.actors.mail.OutgoingPolicy;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PreferEncrypt;
import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.Workload;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The correspondents whose mail reaches the simulated accounts: {@link Workload#PEERS} peers with
 * {@link Workload#KEY_GENERATIONS} keys each, generated once per run (key generation is slow, so
 * not one per mail). The schedule names peer and key by number; the keys themselves are this run's.
 *
 * <p>A peer writes a gossip mail ({@link Change.GossipMail}) the way any Kinbox account writes one:
 * {@link MailAutocrypt#prepareOutgoing} on a state of its own that holds its key and the keys it knows
 * for its recipients (the account's current key, as the account's Autocrypt header publishes it, and
 * the other peers' keys), encrypting by choice - so the signed PGP/MIME body and its
 * {@code Autocrypt-Gossip} headers are the actors module's, not a second writer's.
 */
final class PeerMail {
    static final String DOMAIN = "peers.kinbox.invalid";
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final OutgoingPolicy ENCRYPT = new OutgoingPolicy(OutgoingPolicy.Choice.ENCRYPT, false);
    private static final byte[] ARMOR = "-----BEGIN PGP MESSAGE-----".getBytes(StandardCharsets.US_ASCII);
    private final Crypto crypto;
    private final Clock wall;
    private final List<List<OpenPGPKey>> keys = new ArrayList<>();

    /**
     * @param wall the clock {@code crypto} makes keys on: a sender judges whether a recipient's key is
     *             valid yet at its now (a device's simulated clock may run before the keys were made)
     */
    PeerMail(Crypto crypto, Clock wall) throws CryptoException {
        this.crypto = crypto;
        this.wall = wall;
        for (int p = 0; p < Workload.PEERS; p++) {
            List<OpenPGPKey> gens = new ArrayList<>();
            for (int g = 0; g < Workload.KEY_GENERATIONS; g++) gens.add(crypto.generateKey("<" + address(p) + ">"));
            keys.add(List.copyOf(gens));
        }
    }

    /** The peers of another JVM's run ({@code keys}: per peer, its keys by generation, as {@link #keys()} gave them). */
    PeerMail(Crypto crypto, Clock wall, List<List<OpenPGPKey>> keys) {
        this.crypto = crypto;
        this.wall = wall;
        if (keys.size() != Workload.PEERS || keys.stream().anyMatch(g -> g.size() != Workload.KEY_GENERATIONS)) {
            throw new IllegalArgumentException("peer keys must be " + Workload.PEERS + " peers of " + Workload.KEY_GENERATIONS + " keys each");
        }
        for (List<OpenPGPKey> gens : keys) this.keys.add(List.copyOf(gens));
    }

    /** Every peer's keys by generation (to hand this run's peers to another JVM). */
    List<List<OpenPGPKey>> keys() { return List.copyOf(keys); }

    static String address(int peer) { return "peer" + peer + "@" + DOMAIN; }

    /** The fingerprint-bearing key peer {@code peer} uses in generation {@code generation}. */
    OpenPGPKey key(int peer, int generation) {
        if (peer < 0 || peer >= keys.size() || generation < 0 || generation >= Workload.KEY_GENERATIONS) {
            throw new IllegalArgumentException("no peer key " + peer + "/" + generation);
        }
        return keys.get(peer).get(generation);
    }

    /** The raw mail (RFC 5322, CRLF) of {@code m} to {@code to}, dated {@code date}, with the peer's Autocrypt header. */
    byte[] mail(Change.IncomingMail m, String to, Instant date) throws CryptoException {
        String from = address(m.peer());
        String header = crypto.autocrypt().formatHeader(from, key(m.peer(), m.keyGeneration()).toCertificate(), m.mutual());
        String text = headers(from, to, List.of(), date)
                + "Autocrypt: " + header.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
                + "\r\n"
                + "hello from " + from + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The raw mail of {@code g} to the account {@code to} (whose current key is {@code accountKey}) and
     * the peers in its Cc, dated {@code date}: signed by the sender's key, encrypted to every recipient,
     * {@code Autocrypt-Gossip} for each inside, then spoiled as {@link Change.GossipMail.Damage} says -
     * {@code UNDECRYPTABLE}: the sender took a key of its own (the one of its other generation) for the
     * account's; {@code MALFORMED}: one character of the armored OpenPGP data is changed.
     */
    byte[] gossipMail(Change.GossipMail g, String to, OpenPGPCertificate accountKey, Instant date)
            throws CryptoException, MailProcessingException {
        String from = address(g.peer());
        OpenPGPKey own = key(g.peer(), g.keyGeneration());
        Sender s = new Sender(g.peer(), date);
        AccountState state = AccountState.EMPTY.apply(new AccountKeyCreated(s.dot(), s.time(), Crypto.fingerprint(own), encoded(own)));
        if (g.mutual()) state = state.apply(new SettingChanged(s.dot(), s.time(), MailSettings.PREFER_ENCRYPT_SETTING, "mutual"));
        OpenPGPCertificate forAccount = g.damage() == Change.GossipMail.Damage.UNDECRYPTABLE
                ? key(g.peer(), (g.keyGeneration() + 1) % Workload.KEY_GENERATIONS).toCertificate()
                : accountKey;
        state = s.knows(state, to, forAccount, date);
        List<String> cc = new ArrayList<>();
        for (Change.GossipMail.Recipient r : g.cc()) {
            cc.add(address(r.peer()));
            state = s.knows(state, address(r.peer()), key(r.peer(), r.keyGeneration()).toCertificate(), date);
        }
        MailAutocrypt sender = new MailAutocrypt(crypto, wall, MailSettings.of(from));
        String text = headers(from, to, cc, date) + "\r\nhello to all of you from " + from + "\r\n";
        OutgoingDecision d;
        byte[] raw;
        try {
            MimeMessage draft = new MimeMessage(SESSION, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            d = sender.prepareOutgoing(draft, state, sender.accountKeys(state), ENCRYPT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            d.message().writeTo(out);
            raw = out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot write the gossip mail of " + from + ": " + e.getMessage(), e);
        }
        if (!d.encrypted() || d.gossiped().size() != cc.size() + 1) {
            throw new IllegalStateException("the gossip mail of " + from + " was not built as asked: " + d.reason());
        }
        return g.damage() == Change.GossipMail.Damage.MALFORMED ? altered(raw) : raw;
    }

    /** {@code raw} with one base64 character in the middle of its armored OpenPGP data changed. */
    static byte[] altered(byte[] raw) {
        int start = indexOf(raw, ARMOR);
        if (start < 0) throw new IllegalStateException("no armored OpenPGP data to alter");
        int body = start + ARMOR.length;
        int end = body;
        while (end < raw.length && raw[end] != '=' && raw[end] != '-') end++; // the checksum line or the END line
        byte[] out = raw.clone();
        for (int i = body + (end - body) / 2; i < end; i++) {
            if (Character.isLetterOrDigit(out[i])) {
                out[i] = (byte) (out[i] == 'A' ? 'B' : 'A');
                return out;
            }
        }
        throw new IllegalStateException("no base64 character to alter");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static String headers(String from, String to, List<String> cc, Instant date) {
        return "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + (cc.isEmpty() ? "" : "Cc: <" + String.join(">, <", cc) + ">\r\n")
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC)) + "\r\n"
                + "Subject: hello\r\n";
    }

    private static Bytes encoded(OpenPGPKey key) {
        try {
            return Bytes.of(key.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a peer key", e); // into memory: does not happen
        }
    }

    /** Stamps the events of a sender's throwaway state: its own device id (per peer), one dot after the other. */
    private static final class Sender {
        private final String id;
        private final long millis;
        private long seq;

        Sender(int peer, Instant date) {
            this.id = String.format("%016x", 0x5e4d_e700_0000_0000L + peer);
            this.millis = date.toEpochMilli();
        }

        Dot dot() { return new Dot(id, ++seq); }

        Hlc time() { return new Hlc(millis, (int) seq, id); }

        /** {@code s} having seen {@code addr}'s mutual Autocrypt header for {@code cert} at {@code date}. */
        AccountState knows(AccountState s, String addr, OpenPGPCertificate cert, Instant date) {
            byte[] data;
            try {
                data = cert.getEncoded();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode a recipient key", e); // into memory: does not happen
            }
            return s.apply(new PeerAutocryptSeen(dot(), time(), addr, date.toEpochMilli(), Crypto.fingerprint(cert), Bytes.of(data),
                    PreferEncrypt.MUTUAL));
        }
    }
}
