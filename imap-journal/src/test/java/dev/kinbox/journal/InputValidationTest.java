package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bad input of any kind (configuration, CBOR bodies, SMA messages) gets a typed error and nothing else. */
class InputValidationTest {
    static JournalSettings parse(String config) {
        return JournalSettings.fromConfig(ConfigFactory.parseString(config).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test void settings_defaults_parse() {
        JournalSettings s = parse("");
        assertEquals("memory:default", s.store());
        assertEquals(500, s.upload().maxEventsPerMessage());
        assertEquals(java.time.Duration.ofSeconds(2), s.sweepInterval());
        assertEquals(java.time.Duration.ofSeconds(30), s.watchedSweepInterval());
    }

    @Test void settings_outOfRangeValues_areBadConfigNamingTheKey() {
        var e = assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.runtime.upload.max-events-per-message = 0"));
        assertEquals(true, e.getMessage().contains("max-events-per-message"));
        assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.runtime.upload.backoff-min = 10s\nkinbox.runtime.upload.backoff-max = 1s"));
        assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.query.sweep-interval = 0s"));
        assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.runtime.store = \"\""));
        assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.runtime.siblings = [ { device-id = x } ]"));
        assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.query.max-fetch = banana"));
        var sweep = assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.query.sweep-interval = 60s"));
        assertTrue(sweep.getMessage().contains("watched-sweep-interval") && sweep.getMessage().contains("sweep-interval"), sweep.getMessage());
        var passOver = assertThrows(JournalException.BadConfig.class, () -> parse("kinbox.query.refused-pass-over = -1s"));
        assertTrue(passOver.getMessage().contains("refused-pass-over"), passOver.getMessage());
        assertEquals(java.time.Duration.ofSeconds(60), parse("").refusedPassOver(), "the default");
    }

    @Test void codec_roundTripsAJournalBody() {
        JournalBody b = new JournalBody(1, "p", "0123456789abcdef", 3, 4, List.of(
                new StoredEvent(3, 1, "m", new byte[] {1, 2}, "", "w", 7, null, false),
                new StoredEvent(4, 1, "m", new byte[] {3}, "", "w", 8, new EntryCodec.Meta(2, "", new byte[] {9}), true)));
        JournalBody back = EntryCodec.checked(EntryCodec.decode(EntryCodec.encode(b), JournalBody.class));
        assertEquals(4, back.to());
        assertArrayEquals(new byte[] {9}, back.events().get(1).meta().payload());
    }

    @Test void codec_garbageAndTruncationAndInconsistency_areMalformed() {
        Random r = new Random(3);
        byte[] good = EntryCodec.encode(new JournalBody(1, "p", "0123456789abcdef", 1, 1,
                List.of(new StoredEvent(1, 1, "", new byte[] {1}, "", "w", 0, null, true))));
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[r.nextInt(64)];
            r.nextBytes(junk);
            assertThrows(JournalException.Malformed.class, () -> EntryCodec.checked(EntryCodec.decode(junk, JournalBody.class)));
            byte[] cut = java.util.Arrays.copyOf(good, r.nextInt(good.length));
            assertThrows(JournalException.Malformed.class, () -> EntryCodec.checked(EntryCodec.decode(cut, JournalBody.class)));
        }
        JournalBody lying = new JournalBody(1, "p", "0123456789abcdef", 1, 5,
                List.of(new StoredEvent(1, 1, "", new byte[] {1}, "", "w", 0, null, true)));
        assertThrows(JournalException.Malformed.class, () -> EntryCodec.checked(EntryCodec.decode(EntryCodec.encode(lying), JournalBody.class)));
        JournalBody backwards = new JournalBody(1, "p", "0123456789abcdef", 2, 1, List.of(
                new StoredEvent(2, 1, "", new byte[] {1}, "", "w", 0, null, false),
                new StoredEvent(1, 1, "", new byte[] {1}, "", "w", 0, null, true)));
        assertThrows(JournalException.Malformed.class, () -> EntryCodec.checked(EntryCodec.decode(EntryCodec.encode(backwards), JournalBody.class)));
    }

    @Test void smaMail_roundTripsAndRefusesBrokenMessages() {
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, "0123456789abcdef", Map.of("from", "1", "to", "2"));
        byte[] body = new byte[1000];
        new Random(1).nextBytes(body);
        byte[] raw = SmaMail.build(h, body, Clock.systemUTC()).raw();
        StoredMessage m = stored(raw);
        SmaMail.Parsed p = SmaMail.parse(m, 1 << 20);
        assertEquals(h, p.header());
        assertArrayEquals(body, p.body());
        assertEquals(2, SmaMail.number(p.header(), "to"));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.parse(stored("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)), 1024));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.parse(stored(("Autocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n"
                + "Autocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n\r\nAAAA\r\n").getBytes(StandardCharsets.US_ASCII)), 1024));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.parse(stored(("Autocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n"
                + "\r\n!!not base64!!\r\n").getBytes(StandardCharsets.US_ASCII)), 1024));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.parse(m, 100), "body over the cap");
        SmaHeader noNumber = SmaHeader.of(SmaHeader.Kind.JOURNAL, "0123456789abcdef", Map.of("from", "x"));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.number(noNumber, "from"));
        assertThrows(JournalException.Malformed.class, () -> SmaMail.number(noNumber, "to"));
    }

    @Test void folderOf_unstorablePersistenceId_isMalformed() {
        assertThrows(JournalException.Malformed.class, () -> KinboxJournalRuntime.folderOf(""));
        assertThrows(JournalException.Malformed.class, () -> KinboxJournalRuntime.folderOf("x".repeat(300)));
    }

    private static StoredMessage stored(byte[] raw) {
        int end = 0;
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') { end = i + 4; break; }
        }
        return new StoredMessage(1, Set.of(Flag.SEEN), raw.length, java.util.Arrays.copyOf(raw, end),
                java.util.Arrays.copyOfRange(raw, end, raw.length));
    }
}
