package dev.kinbox.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Who a message's public-key session-key packets name, read from the packets in front of the
 * encrypted data without decrypting anything (the names are in the clear: key IDs or v6 fingerprints).
 */
final class Recipients {
    /** A message naming more recipients than this is not one Kinbox wrote. */
    private static final int MAX_PACKETS = 4096;

    private Recipients() {}

    /** Of {@code certs}, those no session-key packet of {@code message} names; none when a packet hides its recipient. */
    static List<OpenPGPCertificate> notNamed(byte[] message, List<OpenPGPCertificate> certs) throws CryptoException {
        Set<Long> named = new HashSet<>();
        for (PGPPublicKeyEncryptedData pk : sessionKeyPackets(message)) {
            var id = pk.getKeyIdentifier();
            if (id.isWildcard()) return List.of(); // an anonymous recipient may be anyone
            named.add(id.getKeyId());
        }
        List<OpenPGPCertificate> out = new ArrayList<>();
        for (OpenPGPCertificate c : certs) {
            boolean hit = false;
            for (PGPPublicKey k : c.getPGPPublicKeyRing()) hit |= named.contains(k.getKeyID());
            if (!hit) out.add(c);
        }
        return out;
    }

    private static List<PGPPublicKeyEncryptedData> sessionKeyPackets(byte[] message) throws CryptoException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(message))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object o = factory.nextObject();
            while (o instanceof PGPMarker) o = factory.nextObject();
            if (!(o instanceof PGPEncryptedDataList list)) throw new CryptoException.Malformed("not an encrypted message");
            if (list.size() > MAX_PACKETS) throw new CryptoException.Malformed("more than " + MAX_PACKETS + " session-key packets");
            List<PGPPublicKeyEncryptedData> out = new ArrayList<>();
            for (Object d : list) if (d instanceof PGPPublicKeyEncryptedData pk) out.add(pk);
            return out;
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("bad packet sequence: " + e.getMessage(), e);
        }
    }
}
