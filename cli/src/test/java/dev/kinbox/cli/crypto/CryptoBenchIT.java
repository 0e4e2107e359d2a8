package dev.kinbox.cli.crypto;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinbox bench crypto --quick} runs and writes the four documented JSON keys. */
class CryptoBenchIT {
    @TempDir Path dir;

    @Test
    void benchCryptoQuick_writesPositiveRatesUnderTheIssuesKeys() throws Exception {
        Path report = dir.resolve("bench-crypto.json");
        Cli.Run r = Cli.run(null, "bench", "crypto", "--quick", "--runs=1", "--report=" + report);
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        JsonNode figures = j.has("results") ? j.get("results").get(0) : j;
        for (String k : new String[] {"sign_encrypt_per_s", "decrypt_verify_per_s", "header_parse_per_s", "rewrap_100_per_s"}) {
            JsonNode v = figures.findValue(k);
            assertNotNull(v, k + " missing in " + j);
            assertTrue(v.asDouble() > 0, k + " = " + v);
        }
    }
}
