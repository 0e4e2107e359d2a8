package dev.kinbox.actors.muaa;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.actors.muaa.PairingApprover.PairingRequest;
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
import dev.kinbox.persistence.crdt.Bytes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The existing device's half of one pairing session, started by a verified request drop. Pure
 * protocol like {@link NewSide}: the user's answer and the new device's drops go in, drops to send
 * and finally the new device's state (from its authenticated ack) come out; any failure is a
 * {@link CryptoException.PairingAborted}. Once the account keys are about to leave, {@link #note}
 * is what the device keeps so that a restart can still check the ack ({@link #restored}). Used on
 * the actor's thread.
 */
final class ExistingSide {
    private static final KinboxCodec CODEC = new KinboxCodec();
    final String session;
    final String newDevice;
    final PairRequestBody request;
    /** Epoch millis (our clock) after which the session is over, also for a session restored from its note. */
    final long deadline;
    private final byte[] requestBody;
    private final Crypto crypto;
    private final OpenPGPKey deviceKey;
    private ShortCodePairing jpake;
    private byte[] token = new byte[0];
    private String expect = "approval";

    ExistingSide(PairDrop d, PairRequestBody request, Crypto crypto, OpenPGPKey deviceKey, long deadline) {
        this(d.session(), d.author(), request, d.body(), crypto, deviceKey, deadline);
    }

    private ExistingSide(String session, String newDevice, PairRequestBody request, byte[] requestBody, Crypto crypto,
                         OpenPGPKey deviceKey, long deadline) {
        this.session = session;
        this.newDevice = newDevice;
        this.request = request;
        this.requestBody = requestBody;
        this.crypto = crypto;
        this.deviceKey = deviceKey;
        this.deadline = deadline;
    }

    /** A session waiting for its ack again after a restart, from the note kept before the account keys were sent. */
    static ExistingSide restored(PairingNote n, Crypto crypto, OpenPGPKey deviceKey) throws SmaFormatException {
        if (n.role() != PairingNote.Role.EXISTING) throw new SmaFormatException("not an existing device's note");
        byte[] body = n.first();
        ExistingSide x = new ExistingSide(n.session(), n.peer(), PairRequestBody.verify(body, n.peer(), crypto), body, crypto, deviceKey,
                n.deadline());
        x.token = n.second();
        x.expect = "ack";
        return x;
    }

    PairingRequest asked() {
        return new PairingRequest(newDevice, request.name(), request.method(), session);
    }

    /** What to keep before the drop that carries the account keys leaves: enough to check the ack after a restart. */
    PairingNote note() {
        return new PairingNote(PairingNote.Role.EXISTING, session, newDevice, deadline, requestBody, token);
    }

    /** Short-code path: the user was shown {@code code} and agreed; returns {@code e1}. */
    PairDrop codeShown(String code) throws CryptoException {
        require("approval");
        jpake = crypto.pairing().shortCode(Pairing.Role.EXISTING, code, HexFormat.of().parseHex(session));
        expect = "n12";
        return drop("e1", jpake.round1());
    }

    /** QR path: the user scanned {@code payload}; returns the reply with the account key and our state. */
    PairDrop scanned(String payload, OpenPGPKey accountKey, AccountState state) throws CryptoException {
        require("approval");
        Pairing.QrPayload qr = crypto.pairing().parseQr(payload);
        byte[] answer = crypto.pairing().answerQr(qr, request.offer(), accountKey);
        byte[] snap = crypto.encryptAndSign(CODEC.encode(state), List.of(request.offer()), List.of(accountKey), false);
        expect = "ack";
        return drop("reply", Frames.join(answer, snap));
    }

    /**
     * A drop of this session from the new device: returns the drop to send next, or null once the
     * ack arrived (then {@link #acked} holds the new device's state).
     */
    PairDrop on(PairDrop d, AccountState state) throws CryptoException {
        if (d.step().equals("abort")) throw new CryptoException.PairingAborted("the new device aborted the pairing");
        require(d.step());
        try {
            switch (d.step()) {
                case "n12" -> {
                    List<byte[]> p = Frames.split(d.body(), 2);
                    byte[] e2 = jpake.round2(p.get(0));
                    byte[] e3 = jpake.round3(p.get(1));
                    expect = "n3";
                    return drop("e23", Frames.join(e2, e3));
                }
                case "n3" -> {
                    jpake.confirm(d.body());
                    token = crypto.pairing().newSessionId();
                    expect = "ack";
                    return drop("payload", jpake.seal(Frames.join(CODEC.encode(state), token)));
                }
                case "ack" -> {
                    acked = checked(openAck(d.body()));
                    expect = "done";
                    return null;
                }
                default -> throw new CryptoException.PairingAborted("unexpected pairing step " + d.step());
            }
        } catch (SmaFormatException | RuntimeException e) {
            throw new CryptoException.PairingAborted("bad pairing message: " + e.getMessage(), e);
        }
    }

    /** The new device's state from its ack; null before. */
    AccountState acked;

    /** True once this session waits for (or got) the ack: the account keys left. */
    boolean keysSent() {
        return expect.equals("ack") || expect.equals("done");
    }

    PairDrop abort() {
        return drop("abort", new byte[] {'-'});
    }

    /** The last step: we persisted {@code DevicePaired} for the new device (also the answer to a repeated ack). */
    static PairDrop done(String session, String newDevice, OpenPGPCertificate newCert, Crypto crypto, OpenPGPKey deviceKey)
            throws CryptoException {
        return new PairDrop(Keyring.deviceIdOf(deviceKey.toCertificate()), session, "done",
                new DoneBody(session, newDevice).seal(crypto, deviceKey, newCert));
    }

    /** True for an ack that opens with our key and is signed by {@code newCert} (a repeated ack of a device already paired). */
    static boolean signedBy(PairDrop ack, OpenPGPCertificate newCert, Crypto crypto, OpenPGPKey deviceKey) {
        try {
            Decrypted dec = crypto.decryptAndVerify(ack.body(), List.of(deviceKey), List.of(newCert));
            return dec.decryptedWith() != null && dec.verifiedSigners().contains(Crypto.fingerprint(newCert));
        } catch (CryptoException | RuntimeException e) {
            return false;
        }
    }

    // The ack: Frames(N's state, token) encrypted to us and signed by N's device key (and K on the QR
    // path); on the code path the token must be the one only the sealed payload carried.
    private AccountState openAck(byte[] body) throws CryptoException, SmaFormatException {
        boolean qr = request.method() == PairingMethod.QR;
        Decrypted dec = crypto.decryptAndVerify(body, List.of(deviceKey), qr ? List.of(request.offer(), request.device()) : List.of(request.device()));
        if (dec.decryptedWith() == null) throw new CryptoException.PairingAborted("the ack is not encrypted");
        Crypto.requireSigned(dec, request.device());
        if (qr) Crypto.requireSigned(dec, request.offer());
        List<byte[]> p = Frames.split(dec.plaintext(), 2);
        boolean tokenOk = qr ? p.get(1).length == 0 : token.length > 0 && MessageDigest.isEqual(token, p.get(1));
        if (!tokenOk) throw new CryptoException.PairingAborted("the ack does not carry this session's token");
        return CODEC.decodeState(p.get(0));
    }

    // The ack must describe the requesting device with the very certificate of its request.
    private AccountState checked(AccountState s) throws CryptoException {
        DeviceRecord rec = s.devices().get(newDevice);
        if (rec == null || rec.certificate() == null
                || !rec.certificate().value().equals(Bytes.of(Announcement.encode(request.device())))) {
            throw new CryptoException.PairingAborted("the ack does not carry the requesting device's certificate");
        }
        return s;
    }

    private void require(String step) throws CryptoException {
        if (!expect.equals(step)) throw new CryptoException.PairingAborted("unexpected pairing step " + step + " (expected " + expect + ")");
    }

    private PairDrop drop(String step, byte[] body) {
        return new PairDrop(Keyring.deviceIdOf(deviceKey.toCertificate()), session, step, body);
    }
}
