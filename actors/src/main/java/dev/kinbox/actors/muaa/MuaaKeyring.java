package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The journal {@link Keyring} backed by the MUAA's state: the siblings are exactly the devices the
 * state has as {@link DeviceStatus#PAIRED} (not retired), with the certificate the state holds. The
 * MUAA publishes every new state here ({@link #update}); the journal asks on every upload and read,
 * so a pairing or retirement takes effect at once. Hand the same instance to
 * {@code KinboxJournalSetup} and to {@link Muaa#create}. Thread-safe.
 */
public final class MuaaKeyring implements Keyring {
    private final OpenPGPKey deviceKey;
    private final OpenPGPCertificate deviceCertificate;
    private final String deviceId;
    private final ParsedCertificates parsed;
    private volatile AccountState state = AccountState.EMPTY;
    private volatile List<PairedDevice> siblings = List.of();

    private MuaaKeyring(OpenPGPKey deviceKey, ParsedCertificates parsed) {
        this.deviceKey = deviceKey;
        this.deviceCertificate = deviceKey.toCertificate();
        this.deviceId = Keyring.deviceIdOf(deviceCertificate);
        this.parsed = parsed;
    }

    /** A keyring for the device whose secret key is {@code deviceKey}; no siblings until the state says so. */
    public static MuaaKeyring of(OpenPGPKey deviceKey, Crypto crypto) {
        return of(deviceKey, ParsedCertificates.using(crypto));
    }

    /**
     * As {@link #of(OpenPGPKey, Crypto)}, parsing certificates into {@code shared}: devices hosted in one
     * JVM that share it parse each certificate once.
     */
    public static MuaaKeyring of(OpenPGPKey deviceKey, ParsedCertificates shared) {
        if (deviceKey == null || !deviceKey.isSecretKey()) throw new IllegalArgumentException("a device secret key is required");
        if (shared == null) throw new IllegalArgumentException("parsed certificates required");
        return new MuaaKeyring(deviceKey, shared);
    }

    @Override public String deviceId() { return deviceId; }

    @Override public OpenPGPKey deviceKey() { return deviceKey; }

    @Override public OpenPGPCertificate deviceCertificate() { return deviceCertificate; }

    @Override public List<PairedDevice> siblings() { return siblings; }

    @Override public boolean retired(String id) {
        DeviceRecord rec = state.devices().get(id);
        return rec != null && rec.status() == DeviceStatus.RETIRED;
    }

    /** The state last published by the MUAA. */
    AccountState state() { return state; }

    /** Publishes a new state: the siblings become its paired devices other than this one. */
    void update(AccountState next) {
        if (next == state) return;
        List<PairedDevice> out = new ArrayList<>();
        next.devices().forEach((id, rec) -> {
            if (id.equals(deviceId) || rec.status() != DeviceStatus.PAIRED) return;
            OpenPGPCertificate cert = certificate(rec);
            if (cert != null) out.add(new PairedDevice(id, cert));
        });
        out.sort(java.util.Comparator.comparing(PairedDevice::deviceId));
        siblings = List.copyOf(out);
        state = next;
    }

    /** Whether {@code after} has a paired device other than {@code self} that {@code before} has not: the siblings grow. */
    static boolean addsSibling(String self, AccountState before, AccountState after) {
        return after.devices().entrySet().stream().anyMatch(e -> !e.getKey().equals(self) && isPaired(e.getValue())
                && !isPaired(before.devices().get(e.getKey())));
    }

    private static boolean isPaired(DeviceRecord rec) {
        return rec != null && rec.status() == DeviceStatus.PAIRED;
    }

    private OpenPGPCertificate certificate(DeviceRecord rec) {
        if (rec.certificate() == null || rec.certificate().value() == null) return null;
        return parsed.get(rec.certificate().value());
    }
}
