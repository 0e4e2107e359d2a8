package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may author an entry a reader opens: a paired device; a retired one is told apart from one never paired. */
class SealerTest {
    private static final Crypto CRYPTO = Crypto.standard();
    private static OpenPGPKey reader;
    private static OpenPGPKey author;

    @BeforeAll
    static void keys() throws Exception {
        reader = CRYPTO.generateKey("<reader@kinbox.invalid>");
        author = CRYPTO.generateKey("<author@kinbox.invalid>");
    }

    /** The reader's keyring: {@code author} paired when {@code paired}, retired when listed in {@code retired}. */
    private static Keyring readerKeyring(boolean paired, Set<String> retired) {
        List<Keyring.PairedDevice> siblings = paired
                ? List.of(new Keyring.PairedDevice(Keyring.deviceIdOf(author.toCertificate()), author.toCertificate())) : List.of();
        Keyring fixed = Keyring.fixed(Keyring.deviceIdOf(reader.toCertificate()), reader, siblings);
        return new Keyring() {
            @Override public String deviceId() { return fixed.deviceId(); }
            @Override public OpenPGPKey deviceKey() { return fixed.deviceKey(); }
            @Override public List<PairedDevice> siblings() { return fixed.siblings(); }
            @Override public boolean retired(String id) { return retired.contains(id); }
        };
    }

    private static byte[] sealedByAuthor(byte[] plain) {
        Keyring authorsKeyring = Keyring.fixed(Keyring.deviceIdOf(author.toCertificate()), author,
                List.of(new Keyring.PairedDevice(Keyring.deviceIdOf(reader.toCertificate()), reader.toCertificate())));
        return new Sealer(CRYPTO, authorsKeyring).seal(plain);
    }

    @Test
    void open_ofAnEntryByARetiredDevice_isUntrustedAsRetired_andByADeviceNeverPaired_asUnknown() {
        String id = Keyring.deviceIdOf(author.toCertificate());
        byte[] plain = "entry".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sealedByAuthor(plain);
        assertArrayEquals(plain, new Sealer(CRYPTO, readerKeyring(true, Set.of())).open(sealed, id), "a paired author's entry opens");

        JournalException.Untrusted retired = assertThrows(JournalException.Untrusted.class,
                () -> new Sealer(CRYPTO, readerKeyring(false, Set.of(id))).open(sealed, id));
        assertTrue(retired.retiredAuthor(), retired.getMessage());
        assertTrue(retired.getMessage().contains("retired"), retired.getMessage());

        JournalException.Untrusted unknown = assertThrows(JournalException.Untrusted.class,
                () -> new Sealer(CRYPTO, readerKeyring(false, Set.of())).open(sealed, id));
        assertFalse(unknown.retiredAuthor(), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("is not a paired device"), unknown.getMessage());
    }
}
