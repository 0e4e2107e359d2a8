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
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The existing device's half of one pairing session, started by a verified request drop. Pure
 * protocol like {@link NewSide}: the user's answer and the new device's drops go in, drops to send
 * and finally the new device's state (from its authenticated ack) come out; any failure is a
 * {@link CryptoException.PairingAborted}. Used on the actor's thread.
 */
final class ExistingSide {
    private static final KinboxCodec CODEC = new KinboxCodec();
    final String session;
    final String newDevice;
    final PairRequestBody request;
    private final Crypto crypto;
    private final OpenPGPKey deviceKey;
    private ShortCodePairing jpake;
    private String expect = "approval";

    ExistingSide(PairDrop d, PairRequestBody request, Crypto crypto, OpenPGPKey deviceKey) {
        this.session = d.session();
        this.newDevice = d.author();
        this.request = request;
        this.crypto = crypto;
        this.deviceKey = deviceKey;
    }

    PairingRequest asked() {
        return new PairingRequest(newDevice, request.name(), request.method(), session);
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
                    expect = "ack";
                    return drop("payload", jpake.seal(CODEC.encode(state)));
                }
                case "ack" -> {
                    byte[] plain;
                    if (request.method() == PairingMethod.QR) {
                        Decrypted dec = crypto.decryptAndVerify(d.body(), List.of(deviceKey), List.of(request.offer(), request.device()));
                        Crypto.requireSigned(dec, request.offer());
                        Crypto.requireSigned(dec, request.device());
                        plain = dec.plaintext();
                    } else {
                        plain = jpake.open(d.body());
                    }
                    acked = checked(CODEC.decodeState(plain));
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

    PairDrop abort() {
        return drop("abort", new byte[] {'-'});
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
