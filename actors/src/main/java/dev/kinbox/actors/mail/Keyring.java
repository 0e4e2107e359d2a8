package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.PreferEncrypt;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.crdt.LwwRegister;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/** Read-only questions about one {@link AccountState}'s peers, lists, decisions and settings. */
final class Keyring {
    private final AccountState state;

    Keyring(AccountState state) {
        this.state = state;
    }

    /** The peer as the crypto module's Level 1 state (empty when never seen). */
    dev.kinbox.crypto.PeerState levelOne(String addr) {
        PeerState p = state.peers().get(addr);
        if (p == null) return dev.kinbox.crypto.PeerState.empty(addr);
        return new dev.kinbox.crypto.PeerState(addr,
                p.lastSeen() == PeerState.NEVER ? null : Instant.ofEpochMilli(p.lastSeen()),
                p.autocrypt() == null ? null : Instant.ofEpochMilli(p.autocrypt().timestamp()),
                p.autocrypt() == null ? null : p.autocrypt().keydata().toByteArray(),
                p.autocrypt() != null && p.autocrypt().preferEncrypt() == PreferEncrypt.MUTUAL,
                p.gossip() == null ? null : Instant.ofEpochMilli(p.gossip().timestamp()),
                p.gossip() == null ? null : p.gossip().keydata().toByteArray());
    }

    /** The key Level 1 encrypts to: the Autocrypt key, else the gossip key; null when none. */
    KeyChoice encryptionKey(String addr) {
        PeerState p = state.peers().get(addr);
        if (p == null) return null;
        if (p.autocrypt() != null) return new KeyChoice(p.autocrypt().fingerprint(), p.autocrypt().keydata().toByteArray());
        if (p.gossip() != null) return new KeyChoice(p.gossip().fingerprint(), p.gossip().keydata().toByteArray());
        return null;
    }

    /** Certificates we know for {@code addr} (Autocrypt and gossip key), to verify its signatures. */
    List<OpenPGPCertificate> certificates(Crypto crypto, String addr) {
        List<OpenPGPCertificate> out = new ArrayList<>();
        PeerState p = state.peers().get(addr);
        if (p == null) return out;
        for (var k : new dev.kinbox.persistence.crdt.Bytes[] {
                p.autocrypt() == null ? null : p.autocrypt().keydata(), p.gossip() == null ? null : p.gossip().keydata()}) {
            if (k == null) continue;
            try {
                out.add(crypto.readCertificate(k.toByteArray()));
            } catch (CryptoException e) {
                // a stored key that no longer parses verifies nothing
            }
        }
        return out;
    }

    boolean blocked(String addr) {
        PeerState p = state.peers().get(addr);
        return p != null && p.userBlocked();
    }

    /** Fingerprints the user verified for {@code addr}. */
    Set<String> verified(String addr) {
        Set<String> out = new TreeSet<>();
        for (PeerFingerprint pf : state.verified().elements()) if (pf.address().equals(addr)) out.add(pf.fingerprint());
        return out;
    }

    /** What the list at {@code addr} last recommended, or null when it is not a known list. */
    MailingList list(String addr) {
        LwwRegister<MailingList> r = state.mailingLists().get(addr);
        return r == null ? null : r.value();
    }

    /** Our own prefer-encrypt setting ({@link MailSettings#PREFER_ENCRYPT_SETTING}). */
    boolean ownMutual() {
        LwwRegister<String> r = state.settings().get(MailSettings.PREFER_ENCRYPT_SETTING);
        return r != null && r.value().equals("mutual");
    }

    /** A chosen encryption key: its fingerprint and key data. */
    record KeyChoice(String fingerprint, byte[] keydata) {}
}
