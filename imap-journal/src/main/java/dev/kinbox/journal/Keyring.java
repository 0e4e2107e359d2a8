package dev.kinbox.journal;

import dev.kinbox.crypto.Crypto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The key material the journal uses: this device's secret key (signs what we upload, decrypts what
 * siblings wrote) and the currently paired siblings. Asked on every upload and every read, so an
 * implementation backed by the account state sees pairing and retirement at once (a retired device's
 * later entries are refused and nothing new is encrypted to it). Must be thread-safe.
 */
public interface Keyring {
    /** This device's id (16 lowercase hex digits). */
    String deviceId();

    /** This device's secret key. */
    OpenPGPKey deviceKey();

    /**
     * This device's certificate. Implementations should return one kept object: Bouncy Castle evaluates
     * a certificate's binding signatures once per object, and {@code toCertificate()} makes a new one
     * each call: with a fresh one per seal, sealing 600 bytes to this device and three siblings took
     * 9.6-10.3 ms instead of 6.4-7.3 ms (2026-12-02).
     */
    default OpenPGPCertificate deviceCertificate() {
        return deviceKey().toCertificate();
    }

    /** The paired siblings (this device excluded). */
    List<PairedDevice> siblings();

    /** A paired device: its id and certificate. */
    record PairedDevice(String deviceId, OpenPGPCertificate certificate) {}

    /** Who an upload is encrypted to: this device and every sibling. */
    default List<OpenPGPCertificate> recipients() {
        List<OpenPGPCertificate> out = new ArrayList<>();
        out.add(deviceCertificate());
        for (PairedDevice d : siblings()) out.add(d.certificate());
        return out;
    }

    /** The certificate of a paired device (this one included), if it is paired now. */
    default Optional<OpenPGPCertificate> certificateOf(String deviceId) {
        if (deviceId().equals(deviceId)) return Optional.of(deviceCertificate());
        return siblings().stream().filter(d -> d.deviceId().equals(deviceId)).map(PairedDevice::certificate).findFirst();
    }

    /**
     * Whether {@code deviceId} was retired in this device's account (it left, was removed or expired):
     * its entries are refused as any unpaired author's, but by design - what a sibling still reads of it
     * after learning of its retirement - not as a sign of a forgery. False unless the implementation knows.
     */
    default boolean retired(String deviceId) {
        return false;
    }

    /** A keyring that never changes. */
    static Keyring fixed(String deviceId, OpenPGPKey key, List<PairedDevice> siblings) {
        List<PairedDevice> copy = List.copyOf(siblings);
        OpenPGPCertificate cert = key.toCertificate();
        return new Keyring() {
            @Override public String deviceId() { return deviceId; }
            @Override public OpenPGPKey deviceKey() { return key; }
            @Override public OpenPGPCertificate deviceCertificate() { return cert; }
            @Override public List<PairedDevice> siblings() { return copy; }
        };
    }

    /** The device id derived from a key: the last 16 hex digits of its fingerprint, lower case. */
    static String deviceIdOf(OpenPGPCertificate cert) {
        String fp = Crypto.fingerprint(cert);
        return fp.substring(fp.length() - 16).toLowerCase(java.util.Locale.ROOT);
    }
}
