package dev.kinbox.actors.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/EMBEDDING.md shows EmbeddingExample verbatim, and the example runs and does what the doc says. */
class EmbeddingExampleTest {
    @Test void exampleInTheDocs_isThisFile_andRuns() throws Exception {
        String doc = Files.readString(Path.of("../docs/EMBEDDING.md"));
        String source = Files.readString(Path.of("src/test/java/dev/kinbox/actors/embed/EmbeddingExample.java"));
        assertTrue(doc.contains(source), "docs/EMBEDDING.md must contain EmbeddingExample.java exactly (update the doc)");
        assertEquals("-- Dana", EmbeddingExample.run(), "the laptop's edit reached the paired phone");
    }
}
