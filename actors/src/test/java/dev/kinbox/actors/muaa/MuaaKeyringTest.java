package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * The keyring's siblings are the state's paired devices other than this one; keyrings that share a
 * {@link ParsedCertificates} hold one parsed object per certificate, however many devices see it.
 */
class MuaaKeyringTest {
    static final Crypto CRYPTO = Crypto.standard();
    static final OpenPGPKey A = key("a");
    static final OpenPGPKey B = key("b");
    static final OpenPGPKey C = key("c");

    @Test void keyringsSharingParsedCertificates_holdOneObjectPerCertificate() {
        ParsedCertificates shared = ParsedCertificates.using(CRYPTO);
        MuaaKeyring a = MuaaKeyring.of(A, shared);
        MuaaKeyring b = MuaaKeyring.of(B, shared);
        AccountState s = paired(A, B, C);
        a.update(s);
        b.update(s);
        assertEquals(java.util.stream.Stream.of(id(B), id(C)).sorted().toList(), a.siblings().stream().map(Keyring.PairedDevice::deviceId).sorted().toList());
        assertEquals(java.util.stream.Stream.of(id(A), id(C)).sorted().toList(), b.siblings().stream().map(Keyring.PairedDevice::deviceId).sorted().toList());
        assertSame(a.certificateOf(id(C)).orElseThrow(), b.certificateOf(id(C)).orElseThrow(), "C parsed once for both");
        assertEquals(3, shared.size(), "A, B and C once each");
    }

    @Test void theDeviceCertificate_isOneKeptObject_thatEverySealIsEncryptedTo() {
        MuaaKeyring a = MuaaKeyring.of(A, CRYPTO);
        a.update(paired(A, B));
        assertSame(a.deviceCertificate(), a.deviceCertificate());
        assertSame(a.deviceCertificate(), a.recipients().get(0), "not a fresh toCertificate() per seal");
        assertSame(a.deviceCertificate(), a.certificateOf(id(A)).orElseThrow());
        assertEquals(id(A), Keyring.deviceIdOf(a.deviceCertificate()));
        Keyring fixed = Keyring.fixed(id(A), A, List.of());
        assertSame(fixed.deviceCertificate(), fixed.recipients().get(0));
    }

    @Test void aKeyringWithItsOwnParsedCertificates_sharesNothing() {
        MuaaKeyring a = MuaaKeyring.of(A, CRYPTO);
        MuaaKeyring b = MuaaKeyring.of(B, CRYPTO);
        AccountState s = paired(A, B, C);
        a.update(s);
        b.update(s);
        assertNotSame(a.certificateOf(id(C)).orElseThrow(), b.certificateOf(id(C)).orElseThrow());
    }

    @Test void aDeviceWhoseCertificateDoesNotParse_isNoSibling_andNothingIsKept() {
        ParsedCertificates shared = ParsedCertificates.using(CRYPTO);
        MuaaKeyring a = MuaaKeyring.of(A, shared);
        String bogus = "00000000000000bb";
        AccountState s = paired(A).apply(new DeviceEvent.DeviceAnnounced(new Dot(bogus, 1), new Hlc(50, 0, bogus), bogus,
                Bytes.of(new byte[] {1, 2, 3}), "bogus")).apply(new DeviceEvent.DevicePaired(new Dot(id(A), 9), new Hlc(51, 0, id(A)), bogus, id(A)));
        a.update(s);
        assertEquals(List.of(), a.siblings());
        assertEquals(0, shared.size(), "a failed parse is not kept (and a keyring never parses its own device's)");
    }

    @Test void aRetiredDevice_isNoSibling_andIsKnownAsRetired_unlikeOneNeverPaired() {
        MuaaKeyring a = MuaaKeyring.of(A, CRYPTO);
        a.update(paired(A, B).apply(new DeviceEvent.DeviceRetired(new Dot(id(A), 50), new Hlc(500, 0, id(A)), id(B))));
        assertEquals(List.of(), a.siblings());
        assertTrue(a.certificateOf(id(B)).isEmpty(), "a retired device's entries do not open");
        assertTrue(a.retired(id(B)));
        assertFalse(a.retired(id(C)), "never paired is not retired");
        assertFalse(a.retired(id(A)));
    }

    @Test void aSiblingIsAdded_onlyWhenAnotherDeviceBecomesPaired() {
        AccountState ab = paired(A, B);
        AccountState abc = paired(A, B, C);
        assertTrue(MuaaKeyring.addsSibling(id(A), ab, abc), "C is paired now");
        assertFalse(MuaaKeyring.addsSibling(id(A), abc, abc), "nothing new");
        assertFalse(MuaaKeyring.addsSibling(id(A), abc, ab), "fewer devices add none");
        AccountState edited = abc.apply(new dev.kinbox.persistence.SettingsEvent.SettingChanged(new Dot(id(B), 99), new Hlc(999, 0, id(B)),
                "signature", "-- b"));
        assertFalse(MuaaKeyring.addsSibling(id(A), abc, edited), "an edit pairs nobody");
        assertFalse(MuaaKeyring.addsSibling(id(C), paired(A, B), paired(A, B, C)), "a device is not its own sibling");
        AccountState announcedC = ab.apply(new DeviceEvent.DeviceAnnounced(new Dot(id(C), 1), new Hlc(90, 0, id(C)), id(C), Bytes.of(cert(C)), id(C)));
        assertFalse(MuaaKeyring.addsSibling(id(A), ab, announcedC), "announced is not paired");
    }

    private static AccountState paired(OpenPGPKey... keys) {
        AccountState s = AccountState.EMPTY;
        long t = 1;
        String first = id(keys[0]);
        for (OpenPGPKey k : keys) {
            String d = id(k);
            s = s.apply(new DeviceEvent.DeviceAnnounced(new Dot(d, 1), new Hlc(t++, 0, d), d, Bytes.of(cert(k)), d));
            s = s.apply(new DeviceEvent.DevicePaired(new Dot(first, t), new Hlc(t++, 0, first), d, first));
        }
        return s;
    }

    private static String id(OpenPGPKey k) {
        return Keyring.deviceIdOf(k.toCertificate());
    }

    private static byte[] cert(OpenPGPKey k) {
        try {
            return k.toCertificate().getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OpenPGPKey key(String name) {
        try {
            return CRYPTO.generateKey("<" + name + "@kinbox.invalid>");
        } catch (dev.kinbox.crypto.CryptoException e) {
            throw new IllegalStateException(e);
        }
    }
}
