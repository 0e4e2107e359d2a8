package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** The Autocrypt Level 1 spec's own examples. */
class AutocryptVectorsTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final Instant RECEIVED = Instant.parse("2019-01-23T00:00:00Z");

    @Test
    void exampleHeader_parses_withSpecFingerprint() throws Exception {
        AutocryptMail m = CRYPTO.autocrypt().parseMail(Vectors.read("example-simple-autocrypt.eml"), RECEIVED);
        assertTrue(m.errors().isEmpty(), m.errors().toString());
        AutocryptHeader h = m.header().orElseThrow();
        assertEquals("alice@autocrypt.example", h.addr());
        assertTrue(h.mutual());
        assertEquals("EB85BB5FA33A75E15E944E63F231550C4F47E38E", h.fingerprint());
        assertEquals(Instant.parse("2019-01-22T11:56:25Z"), m.effectiveDate());
    }

    @Test
    void exampleGossip_decryptsWithBobAndWithCarol_andYieldsGossipForBoth() throws Exception {
        for (String who : List.of("bob", "carol")) {
            OpenPGPKey key = CRYPTO.readKey(Vectors.read(who + "@autocrypt.example.sec.asc"));
            List<String> errors = new ArrayList<>();
            List<AutocryptHeader> gossip = CRYPTO.autocrypt().readGossip(Vectors.read("example-gossip.eml"),
                    List.of(key), errors);
            assertTrue(errors.isEmpty(), errors.toString());
            List<String> addrs = gossip.stream().map(AutocryptHeader::addr).sorted().toList();
            assertEquals(List.of("bob@autocrypt.example", "carol@autocrypt.example"), addrs, who);
            for (AutocryptHeader g : gossip) {
                OpenPGPKey owner = CRYPTO.readKey(Vectors.read(g.addr() + ".sec.asc"));
                assertEquals(Crypto.fingerprint(owner), g.fingerprint());
            }
        }
    }

    @Test
    void exampleGossip_withUnrelatedKey_isNoMatchingKey() {
        assertThrows(CryptoException.NoMatchingKey.class, () -> CRYPTO.autocrypt()
                .readGossip(Vectors.read("example-gossip.eml"), List.of(TestKeys.ALICE), new ArrayList<>()));
    }

    static String normalized(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n").strip();
    }

    @Test
    void exampleGossip_decryptsToTheSpecsCleartext() throws Exception {
        OpenPGPKey bob = CRYPTO.readKey(Vectors.read("bob@autocrypt.example.sec.asc"));
        Decrypted d = CRYPTO.autocrypt().decryptMail(Vectors.read("example-gossip.eml"), List.of(bob), List.of());
        assertEquals(normalized(Vectors.read("example-gossip-cleartext.eml")), normalized(d.plaintext()));
        assertEquals(Crypto.fingerprint(bob), d.decryptedWith());
    }

    @Test
    void exampleDraft_decryptsWithAlicesKey_toTheSpecsCleartext_withGossipForBob() throws Exception {
        OpenPGPKey alice = CRYPTO.readKey(Vectors.read("alice@autocrypt.example.sec.asc"));
        byte[] draft = Vectors.read("example-draft.eml");
        Decrypted d = CRYPTO.autocrypt().decryptMail(draft, List.of(alice), List.of());
        assertEquals(normalized(Vectors.read("example-draft-cleartext.eml")), normalized(d.plaintext()));
        List<String> errors = new ArrayList<>();
        List<AutocryptHeader> g = CRYPTO.autocrypt().readGossip(draft, List.of(alice), errors);
        assertEquals(List.of("bob@autocrypt.example"), g.stream().map(AutocryptHeader::addr).toList());
        assertTrue(errors.isEmpty(), errors.toString());
    }
}
