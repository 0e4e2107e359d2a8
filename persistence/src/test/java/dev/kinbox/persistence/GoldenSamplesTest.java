package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checked-in CBOR of every event type and version ({@code golden/v<N>/<Type>.cbor}) must still
 * decode, and the current version must still encode to exactly those bytes. Regenerate the current
 * version's files only on purpose: {@code -Dkinbox.golden.write=persistence/src/test/resources/golden}.
 */
class GoldenSamplesTest {
    private static final KinboxCodec CODEC = new KinboxCodec();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GoldenSamplesTest.class.getResourceAsStream("/golden/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @Test
    void everyEventType_hasAGoldenSampleOfTheCurrentVersion_thatDecodesAndReencodesIdentically() throws IOException {
        String write = System.getProperty("kinbox.golden.write");
        Set<String> covered = new TreeSet<>();
        for (AccountEvent e : Samples.all()) {
            String type = e.getClass().getSimpleName();
            String name = "v" + KinboxCodec.EVENT_VERSION + "/" + type + ".cbor";
            Path file = Path.of(write == null ? "src/test/resources/golden" : write, name);
            if (write != null) {
                Files.createDirectories(file.getParent());
                Files.write(file, CODEC.encode(e));
            }
            byte[] golden = Files.exists(file) ? Files.readAllBytes(file) : resource(name);
            assertTrue(golden != null, "missing golden sample " + name);
            assertEquals(e, CODEC.decodeEvent(golden), name);
            assertArrayEquals(golden, CODEC.encode(e), name + " no longer encodes to the checked-in bytes");
            covered.add(type);
        }
        assertEquals(new TreeSet<>(CODEC.eventTypeNames()), covered, "event types without a golden sample");
    }

    @Test
    void snapshotGoldenSample_decodesAndReencodesIdentically() throws IOException {
        String name = "v" + KinboxCodec.SNAPSHOT_VERSION + "/" + KinboxCodec.SNAPSHOT_TYPE + ".cbor";
        String write = System.getProperty("kinbox.golden.write");
        Path file = Path.of(write == null ? "src/test/resources/golden" : write, name);
        if (write != null) Files.write(file, CODEC.encode(Samples.state()));
        byte[] golden = Files.exists(file) ? Files.readAllBytes(file) : resource(name);
        assertTrue(golden != null, "missing golden sample " + name);
        assertEquals(Samples.state(), CODEC.decodeState(golden));
        assertArrayEquals(golden, CODEC.encode(Samples.state()));
    }

    @Test
    void everyCheckedInSample_ofEveryVersion_stillDecodes() throws IOException {
        Path root = Path.of("src/test/resources/golden");
        Set<Path> files;
        try (var s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".cbor")).collect(Collectors.toSet());
        }
        assertTrue(files.size() >= Samples.all().size() + 1, "golden samples missing under " + root.toAbsolutePath());
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            if (f.getFileName().toString().startsWith(KinboxCodec.SNAPSHOT_TYPE)) CODEC.decodeState(b);
            else CODEC.decodeEvent(b);
        }
    }
}
