package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KinboxCodecTest {
    private static final KinboxCodec CODEC = new KinboxCodec();

    @Test
    void everyEvent_roundTrips() {
        for (AccountEvent e : Samples.all()) assertEquals(e, CODEC.decodeEvent(CODEC.encode(e)));
    }

    @Property(tries = 100)
    void states_roundTrip_andEqualStatesHaveEqualBytes(@ForAll long seed) {
        Random r = new Random(seed);
        List<AccountEvent> h = Histories.generate(r, 3, 60);
        AccountState s = Histories.fold(AccountState.EMPTY, h);
        byte[] bytes = CODEC.encode(s);
        assertEquals(s, CODEC.decodeState(bytes));
        java.util.Collections.shuffle(h, r);
        assertArrayEquals(bytes, CODEC.encode(Histories.fold(AccountState.EMPTY, h)));
    }

    @Test
    void digest_isTheSha256OfTheCheckedInCanonicalSnapshot() throws Exception {
        // The golden snapshot pins the bytes; equal bytes on every JVM mean equal digests everywhere.
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/golden/v1/AccountState.cbor"));
        byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(golden);
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(CODEC.digest(Samples.state())));
        assertEquals(32, CODEC.digest(AccountState.EMPTY).length);
    }

    @Test
    void oversizedInput_isRejectedBeforeParsing() {
        KinboxCodec small = new KinboxCodec(new KinboxCodec.Limits(64, 64, 8), List.of());
        byte[] big = CODEC.encode(Samples.all().get(0));
        DecodingException e = assertThrows(DecodingException.class, () -> small.decodeEvent(big));
        assertTrue(e.getMessage().contains("exceeds the cap"));
    }

    @Test
    void unknownType_unknownVersion_andNull_areDecodingErrors() {
        byte[] good = CODEC.encode(Samples.all().get(1));
        byte[] unknownType = replace(good, "DevicePaired", "DevicePairex");
        assertTrue(assertThrows(DecodingException.class, () -> CODEC.decodeEvent(unknownType)).getMessage().contains("unknown type"));
        byte[] v2 = good.clone();
        v2[1] = 0x02;
        assertTrue(assertThrows(DecodingException.class, () -> CODEC.decodeEvent(v2)).getMessage().contains("version"));
        assertThrows(DecodingException.class, () -> CODEC.decodeEvent(null));
        assertThrows(DecodingException.class, () -> CODEC.decodeState(good));
        assertThrows(DecodingException.class, () -> CODEC.decodeEvent(CODEC.encode(Samples.state())));
    }

    @Test
    void hugeDeclaredLength_isADecodingError_notAnAllocation() {
        // [1, "DeviceAnnounced", {"certificate": bytes of declared length 2^31-1 but absent}]
        byte[] prefix = Arrays.copyOf(CODEC.encode(Samples.all().get(0)), 3 + "DeviceAnnounced".length());
        byte[] tail = {(byte) 0xbf, 0x6b, 'c', 'e', 'r', 't', 'i', 'f', 'i', 'c', 'a', 't', 'e', 0x5a, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] evil = concat(prefix, tail);
        assertThrows(DecodingException.class, () -> CODEC.decodeEvent(evil));
    }

    @Test
    void invariantViolations_areDecodingErrors() {
        byte[] good = CODEC.encode(Samples.all().get(1)); // DevicePaired with lowercase device ids
        byte[] upper = replace(good, "fedcba9876543210", "FEDCBA9876543210");
        assertThrows(DecodingException.class, () -> CODEC.decodeEvent(upper));
    }

    @Test
    void migration_upgradesAnOlderVersion() {
        // Plays a future build at event schema v2 whose v1 SettingChanged called its value "val".
        Migration rename = new Migration() {
            public String type() { return "SettingChanged"; }
            public int fromVersion() { return 1; }
            public ObjectNode migrate(ObjectNode body) {
                body.set("value", body.remove("val"));
                return body;
            }
        };
        SettingChanged e = (SettingChanged) Samples.all().get(18);
        byte[] v1 = CODEC.encode(e);
        byte[] old = replace(v1, "evalue", "cval");
        assertThrows(DecodingException.class, () -> CODEC.decodeEvent(old)); // unknown field for today's v1
        KinboxCodec future = new KinboxCodec(KinboxCodec.Limits.DEFAULT, List.of(rename), 2);
        assertEquals(e, future.decodeEvent(old));
        assertEquals(e, future.decodeEvent(future.encode(e)));
        KinboxCodec futureWithoutStep = new KinboxCodec(KinboxCodec.Limits.DEFAULT, List.of(), 2);
        assertTrue(assertThrows(DecodingException.class, () -> futureWithoutStep.decodeEvent(old)).getMessage().contains("no migration"));
    }

    @Property(tries = 5000)
    void randomBytes_neverThrowAnythingButDecodingException(@ForAll @Size(max = 300) byte[] junk) {
        decodeExpectingOnlyTypedErrors(junk);
    }

    @Property(tries = 5000)
    void mutatedAndTruncatedPayloads_neverThrowAnythingButDecodingException(@ForAll long seed) {
        Random r = new Random(seed);
        List<AccountEvent> all = Samples.all();
        byte[] b = r.nextInt(5) == 0 ? CODEC.encode(Samples.state()) : CODEC.encode(all.get(r.nextInt(all.size())));
        switch (r.nextInt(3)) {
            case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            case 1 -> { for (int i = 0; i < 1 + r.nextInt(4); i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256); }
            default -> { int at = r.nextInt(b.length); b[at] = (byte) (b[at] ^ (1 << r.nextInt(8))); }
        }
        decodeExpectingOnlyTypedErrors(b);
    }

    private static void decodeExpectingOnlyTypedErrors(byte[] b) {
        try {
            AccountEvent e = CODEC.decodeEvent(b);
            assertEquals(e, CODEC.decodeEvent(CODEC.encode(e)));
        } catch (DecodingException expected) {
            // typed
        }
        try {
            AccountState s = CODEC.decodeState(b);
            assertEquals(s, CODEC.decodeState(CODEC.encode(s)));
        } catch (DecodingException expected) {
            // typed
        }
    }

    private static byte[] replace(byte[] in, String from, String to) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from), "sample lacks " + from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
