package dev.kinbox.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.UserIDPacket;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * The Autocrypt key shape: exactly primary key, user ID, its self-signature, encryption
 * subkey, its binding signature. Checks received keydata and minimises our own certificates.
 */
final class KeyShape {
    private static final int[] SHAPE = {PacketTags.PUBLIC_KEY, PacketTags.USER_ID, PacketTags.SIGNATURE,
            PacketTags.PUBLIC_SUBKEY, PacketTags.SIGNATURE};

    private KeyShape() {}

    /** Throws Malformed unless {@code keydata} is exactly the five packets in order. */
    static void check(byte[] keydata) throws CryptoException.Malformed {
        List<Integer> tags = new ArrayList<>();
        try (BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(keydata))) {
            while (in.nextPacketTag() >= 0) {
                if (tags.size() > SHAPE.length) break;
                Packet p = in.readPacket();
                tags.add(p.getPacketTag());
            }
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("keydata is not OpenPGP: " + e.getMessage(), e);
        }
        if (tags.size() != SHAPE.length) {
            throw new CryptoException.Malformed("keydata must have exactly 5 packets, got " + tags.size());
        }
        for (int i = 0; i < SHAPE.length; i++) {
            if (tags.get(i) != SHAPE[i]) {
                throw new CryptoException.Malformed("keydata packet " + (i + 1) + " has tag " + tags.get(i)
                        + ", expected " + SHAPE[i]);
            }
        }
    }

    /**
     * Our certificate cut to the five packets: the user ID naming {@code addr} (else the first),
     * its newest self-certification, the first encryption subkey and its newest binding.
     */
    static byte[] minimal(OpenPGPCertificate cert, String addr) throws CryptoException {
        PGPPublicKey primary = cert.getPrimaryKey().getPGPPublicKey();
        String uid = null;
        for (Iterator<String> it = primary.getUserIDs(); it.hasNext(); ) {
            String u = it.next();
            if (uid == null || u.toLowerCase(java.util.Locale.ROOT).contains("<" + addr + ">")) uid = u;
        }
        if (uid == null) throw new CryptoException.Unsupported("certificate has no user ID");
        PGPSignature uidSig = newest(primary.getSignaturesForID(uid), primary.getKeyID());
        var enc = cert.getEncryptionKeys();
        if (enc.isEmpty()) throw new CryptoException.Unsupported("certificate has no valid encryption subkey");
        PGPPublicKey sub = enc.get(0).getPGPPublicKey();
        if (sub.isMasterKey()) throw new CryptoException.Unsupported("encryption key must be a subkey");
        PGPSignature bind = newest(sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING), primary.getKeyID());
        if (uidSig == null || bind == null) throw new CryptoException.Unsupported("missing self-signature");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BCPGOutputStream out = new BCPGOutputStream(bytes, PacketFormat.ROUNDTRIP)) {
            out.writePacket(primary.getPublicKeyPacket());
            out.writePacket(new UserIDPacket(uid));
            uidSig.encode(out);
            out.writePacket(sub.getPublicKeyPacket());
            bind.encode(out);
        } catch (IOException e) {
            throw new CryptoException.Malformed("cannot encode certificate", e);
        }
        return bytes.toByteArray();
    }

    private static PGPSignature newest(Iterator<?> sigs, long issuer) {
        PGPSignature best = null;
        while (sigs != null && sigs.hasNext()) {
            PGPSignature s = (PGPSignature) sigs.next();
            if (s.getKeyID() != issuer) continue;
            if (best == null || s.getCreationTime().after(best.getCreationTime())) best = s;
        }
        return best;
    }
}
