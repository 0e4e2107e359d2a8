package dev.kinbox.actors.muaa;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.crypto.Pairing;
import dev.kinbox.crypto.ShortCodePairing;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The new device's half of one pairing session (docs/PROTOCOL.md, "Pairing drops"). Pure protocol:
 * it consumes drops from the existing device and returns the drops to send and, at the end, the
 * state to persist; any failure is a {@link CryptoException.PairingAborted}. It ends with the learned
 * state and the {@link #ack}; resending that ack until the existing device's {@code done} is
 * {@link PairingSessions}' work. Used on the actor's thread.
 */
final class NewSide {
    private static final KinboxCodec CODEC = new KinboxCodec();
    final String session;
    final String existing;
    final PairingMethod method;
    private final Crypto crypto;
    private final OpenPGPKey deviceKey;
    private final Pairing.QrOffer offer;
    private ShortCodePairing jpake;
    private String code;
    private byte[] e1;
    private String expect;
    private OpenPGPCertificate existingCert;
    private byte[] token = new byte[0];

    NewSide(String existing, PairingMethod method, Crypto crypto, OpenPGPKey deviceKey) throws CryptoException {
        this.session = HexFormat.of().formatHex(crypto.pairing().newSessionId());
        this.existing = existing;
        this.method = method;
        this.crypto = crypto;
        this.deviceKey = deviceKey;
        this.offer = method == PairingMethod.QR ? crypto.pairing().newQrOffer() : null;
        this.expect = method == PairingMethod.QR ? "reply" : "e1";
    }

    /** The QR payload to show (QR path). */
    java.util.Optional<String> qrPayload() {
        return offer == null ? java.util.Optional.empty() : java.util.Optional.of(offer.payload());
    }

    /** The request drop. */
    PairDrop request(String name) throws CryptoException {
        PairRequestBody b = new PairRequestBody(method, name, deviceKey.toCertificate(), offer == null ? null : offer.key().toCertificate());
        return drop("request", b.sign(deviceKey, crypto));
    }

    /** What one step produced: a drop to leave with the existing device, and/or the learned state (then the session is done). */
    record Progress(PairDrop send, AccountState learned, String accountKey) {}

    /** The user typed the code (short-code path); may answer a waiting {@code e1}. */
    Progress enterCode(String typed) throws CryptoException {
        if (method != PairingMethod.CODE || code != null) throw new CryptoException.PairingAborted("no code expected in this session");
        code = typed;
        jpake = crypto.pairing().shortCode(Pairing.Role.NEW, code, HexFormat.of().parseHex(session));
        return e1 == null ? new Progress(null, null, null) : answerE1();
    }

    /** A drop of this session from the existing device. */
    Progress on(PairDrop d) throws CryptoException {
        if (d.step().equals("abort")) throw new CryptoException.PairingAborted("the existing device aborted the pairing");
        if (!d.step().equals(expect)) throw new CryptoException.PairingAborted("unexpected pairing step " + d.step());
        try {
            switch (d.step()) {
                case "reply" -> {
                    List<byte[]> parts = Frames.split(d.body(), 2);
                    OpenPGPKey account = crypto.pairing().acceptQr(offer, parts.get(0));
                    Decrypted snap = Crypto.requireSigned(crypto.decryptAndVerify(parts.get(1), List.of(offer.key()),
                            List.of(account.toCertificate())), account.toCertificate());
                    AccountState learned = checked(CODEC.decodeState(snap.plaintext()), Crypto.fingerprint(account));
                    expect = "-"; // the rest (ack until done) is PairingSessions' pending ack
                    return new Progress(null, learned, Crypto.fingerprint(account));
                }
                case "e1" -> {
                    e1 = d.body();
                    return code == null ? new Progress(null, null, null) : answerE1();
                }
                case "e23" -> {
                    List<byte[]> p = Frames.split(d.body(), 2);
                    byte[] n3 = jpake.round3(p.get(0));
                    jpake.confirm(p.get(1));
                    expect = "payload";
                    return new Progress(drop("n3", n3), null, null);
                }
                case "payload" -> {
                    List<byte[]> p = Frames.split(jpake.open(d.body()), 2);
                    AccountState s = CODEC.decodeState(p.get(0));
                    String fp = s.currentKeyFingerprint().orElseThrow(() -> new CryptoException.PairingAborted("no account key in the payload"));
                    if (p.get(1).length < 16) throw new CryptoException.PairingAborted("the payload lacks the ack token");
                    token = p.get(1);
                    expect = "-";
                    return new Progress(null, checked(s, fp), fp);
                }
                default -> throw new CryptoException.PairingAborted("unexpected pairing step " + d.step());
            }
        } catch (SmaFormatException | RuntimeException e) {
            throw new CryptoException.PairingAborted("bad pairing message: " + e.getMessage(), e);
        }
    }

    /**
     * The ack carrying our state after the join, readable only by the existing device: Frames(state,
     * token) encrypted to its certificate and signed by our device key, on the QR path also by K
     * (token empty), on the code path with the token only the sealed payload carried.
     */
    PairDrop ack(AccountState ours) throws CryptoException {
        byte[] plain = Frames.join(CODEC.encode(ours), token);
        List<OpenPGPKey> signers = method == PairingMethod.QR ? List.of(offer.key(), deviceKey) : List.of(deviceKey);
        return drop("ack", crypto.encryptAndSign(plain, List.of(existingCert), signers, false));
    }

    PairDrop abort() {
        return drop("abort", new byte[] {'-'});
    }

    private Progress answerE1() throws CryptoException {
        byte[] n1 = jpake.round1();
        byte[] n2 = jpake.round2(e1);
        expect = "e23";
        return new Progress(drop("n12", Frames.join(n1, n2)), null, null);
    }

    // The state must show the existing device paired with its own certificate and hold the account key.
    private AccountState checked(AccountState s, String accountKey) throws CryptoException {
        DeviceRecord rec = s.devices().get(existing);
        if (rec == null || rec.status() != DeviceStatus.PAIRED || rec.certificate() == null) {
            throw new CryptoException.PairingAborted("the snapshot does not show the existing device as paired");
        }
        OpenPGPCertificate cert = crypto.readCertificate(rec.certificate().value().toByteArray());
        if (!Keyring.deviceIdOf(cert).equals(existing)) throw new CryptoException.PairingAborted("existing device's certificate does not match its id");
        if (!s.accountKeys().containsKey(accountKey)) throw new CryptoException.PairingAborted("the snapshot lacks the account key");
        existingCert = cert;
        return s;
    }

    private PairDrop drop(String step, byte[] body) {
        return new PairDrop(Keyring.deviceIdOf(deviceKey.toCertificate()), session, step, body);
    }
}
