package dev.kinbox.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.ContainedPacket;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Session-key re-wrap: recovers the session key with a key we hold and writes fresh PKESK
 * packets for other recipients in front of the untouched encrypted-data packet. The payload
 * is copied byte for byte and never decrypted.
 */
final class Rewrap {
    /** The parts of a binary message: its session-key packets and where the payload starts. */
    record Split(List<PublicKeyEncSessionPacket> pkesks, int payloadOffset, int payloadTag) {}

    private final Crypto crypto;

    Rewrap(Crypto crypto) {
        this.crypto = crypto;
    }

    static byte[] binary(byte[] message) throws CryptoException {
        if (message.length > Messages.MAX_MESSAGE) throw new CryptoException.Malformed("message too large");
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(message))) {
            return Messages.readCapped(in);
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("not an OpenPGP message: " + e.getMessage(), e);
        }
    }

    static Split split(byte[] bin) throws CryptoException {
        ByteArrayInputStream raw = new ByteArrayInputStream(bin);
        List<PublicKeyEncSessionPacket> out = new ArrayList<>();
        try {
            BCPGInputStream in = new BCPGInputStream(raw);
            while (true) {
                int tag = in.nextPacketTag();
                int offset = bin.length - raw.available() - 1; // nextPacketTag peeked the header byte
                if (tag == PacketTags.PUBLIC_KEY_ENC_SESSION) {
                    out.add((PublicKeyEncSessionPacket) in.readPacket());
                } else if (tag == PacketTags.SYMMETRIC_KEY_ENC_SESSION || tag == PacketTags.PADDING
                        || tag == PacketTags.MARKER) {
                    in.readPacket();
                } else if (tag == PacketTags.SYM_ENC_INTEGRITY_PRO) {
                    if (out.isEmpty()) throw new CryptoException.NoMatchingKey("message has no public-key recipients");
                    return new Split(out, offset, tag);
                } else if (tag == PacketTags.AEAD_ENC_DATA || tag == PacketTags.SYMMETRIC_KEY_ENC) {
                    throw new CryptoException.Unsupported("re-wrap supports SEIPD v1/v2 only, not packet tag " + tag);
                } else {
                    throw new CryptoException.Malformed("not an encrypted message (packet tag " + tag + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("bad packet sequence: " + e.getMessage(), e);
        }
    }

    /** Recovers the session key with whichever of {@code keys} the message names (or any, for wildcards). */
    PGPSessionKey sessionKey(byte[] bin, List<OpenPGPKey> keys) throws CryptoException {
        Object first;
        try {
            first = new BcPGPObjectFactory(bin).nextObject();
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("bad packet sequence: " + e.getMessage(), e);
        }
        if (!(first instanceof PGPEncryptedDataList list)) throw new CryptoException.Malformed("not an encrypted message");
        for (Object o : list) {
            if (!(o instanceof PGPPublicKeyEncryptedData pk)) continue;
            for (OpenPGPKey k : keys) {
                for (PGPSecretKey sk : k.getPGPSecretKeyRing()) {
                    var id = pk.getKeyIdentifier();
                    if (!id.isWildcard() && id.getKeyId() != sk.getKeyID()) continue;
                    try {
                        PGPPrivateKey priv = sk.extractPrivateKey(null);
                        if (priv == null) continue;
                        return pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(priv));
                    } catch (PGPException | RuntimeException e) {
                        // wrong key for a wildcard, or a protected key: try the next
                    }
                }
            }
        }
        throw new CryptoException.NoMatchingKey("message is not encrypted to any key we hold");
    }

    byte[] rewrap(byte[] message, List<OpenPGPKey> keys, List<OpenPGPCertificate> recipients, boolean armor)
            throws CryptoException {
        if (recipients.isEmpty()) throw new CryptoException.NoMatchingKey("no new recipients");
        byte[] bin = binary(message);
        Split s = split(bin);
        PGPSessionKey sk = sessionKey(bin, keys);
        BcPGPDataEncryptorBuilder builder = builderFor(bin, s, sk);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bin.length - s.payloadOffset() + recipients.size() * 128);
        try {
            BCPGOutputStream pOut = new BCPGOutputStream(out, PacketFormat.CURRENT);
            for (OpenPGPCertificate c : recipients) {
                var enc = c.getEncryptionKeys(java.util.Date.from(crypto.clock().instant()));
                if (enc.isEmpty()) throw new CryptoException.NoMatchingKey("no usable encryption key in " + Keys.fingerprint(c));
                BcPublicKeyKeyEncryptionMethodGenerator gen = new BcPublicKeyKeyEncryptionMethodGenerator(enc.get(0).getPGPPublicKey());
                gen.setSecureRandom(crypto.random());
                ContainedPacket p = gen.generate(builder, sk.getKey());
                pOut.writePacket(p);
            }
            pOut.flush();
            out.write(bin, s.payloadOffset(), bin.length - s.payloadOffset());
        } catch (PGPException | IOException | RuntimeException e) {
            throw new CryptoException.Unsupported("cannot wrap session key: " + e.getMessage());
        }
        return armor ? armor(out.toByteArray()) : out.toByteArray();
    }

    private static BcPGPDataEncryptorBuilder builderFor(byte[] bin, Split s, PGPSessionKey sk) throws CryptoException {
        try {
            BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(bin, s.payloadOffset(), bin.length - s.payloadOffset()));
            Packet p = in.readPacket();
            if (p instanceof SymmetricEncIntegrityPacket seipd && seipd.getVersion() == SymmetricEncIntegrityPacket.VERSION_2) {
                return new BcPGPDataEncryptorBuilder(seipd.getCipherAlgorithm())
                        .setWithAEAD(seipd.getAeadAlgorithm(), seipd.getChunkSize() + 6).setUseV6AEAD(); // packet stores log2(size) - 6
            }
            return new BcPGPDataEncryptorBuilder(sk.getAlgorithm()).setWithIntegrityPacket(true);
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("bad encrypted-data packet: " + e.getMessage(), e);
        }
    }

    static byte[] armor(byte[] bin) throws CryptoException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(bin.length * 4 / 3 + 100);
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            a.write(bin);
        } catch (IOException e) {
            throw new CryptoException.Malformed("cannot armor", e);
        }
        return bytes.toByteArray();
    }
}
