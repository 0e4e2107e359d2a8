package dev.kinbox.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.api.OpenPGPApi;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPDetachedSignatureGenerator;
import org.bouncycastle.openpgp.api.OpenPGPDetachedSignatureProcessor;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPSignature;

/** Detached signatures (SOP's sign/verify). */
final class Signatures {
    private final OpenPGPApi api;

    Signatures(OpenPGPApi api) {
        this.api = api;
    }

    byte[] sign(byte[] data, List<OpenPGPKey> signers, boolean armor) throws CryptoException {
        if (signers.isEmpty()) throw new CryptoException.NoMatchingKey("no signing key");
        try {
            OpenPGPDetachedSignatureGenerator g = api.createDetachedSignature();
            for (OpenPGPKey k : signers) {
                try {
                    g.addSigningKey(k, Keys.callback(p -> p.setSignatureHashAlgorithm(HashAlgorithmTags.SHA512)));
                } catch (RuntimeException | PGPException e) {
                    throw new CryptoException.NoMatchingKey("key " + Keys.fingerprint(k) + " cannot sign", e);
                }
            }
            List<OpenPGPSignature.OpenPGPDocumentSignature> sigs = g.sign(new ByteArrayInputStream(data));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            var target = armor ? ArmoredOutputStream.builder().clearHeaders().build(bytes) : bytes;
            BCPGOutputStream out = new BCPGOutputStream(target, PacketFormat.CURRENT);
            for (var s : sigs) s.getSignature().encode(out);
            out.close();
            if (armor) target.close();
            return bytes.toByteArray();
        } catch (IOException | PGPException | RuntimeException e) {
            throw new CryptoException.Unsupported("signing failed: " + e.getMessage());
        }
    }

    List<Verification> verify(byte[] data, byte[] signatures, List<OpenPGPCertificate> certs) throws CryptoException {
        if (signatures.length > Messages.MAX_MESSAGE) throw new CryptoException.Malformed("signature data too large");
        List<OpenPGPSignature.OpenPGPDocumentSignature> sigs;
        try {
            OpenPGPDetachedSignatureProcessor p = api.verifyDetachedSignature();
            p.addSignatures(new ByteArrayInputStream(signatures));
            for (OpenPGPCertificate c : certs) p.addVerificationCertificate(c);
            sigs = p.process(new ByteArrayInputStream(data));
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("bad signature data: " + e.getMessage(), e);
        }
        List<Verification> out = new ArrayList<>();
        for (var s : sigs) {
            boolean ok;
            try {
                ok = s.isValid();
            } catch (Exception e) {
                ok = false;
            }
            if (ok && s.getIssuer() != null) {
                out.add(new Verification(s.getCreationTime().toInstant(), Keys.fingerprint(s.getIssuer().getPGPPublicKey()),
                        Keys.fingerprint(s.getIssuerCertificate())));
            }
        }
        return out;
    }
}
