package dev.kinbox.cli.crypto;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinbox autocrypt parse} and {@code setup-message export|import}, in-process. */
class AutocryptCommandIT {
    static final String SPEC_CODE = "1742-0185-6197-1303-7016-8412-3581-4441-0597";

    @TempDir Path dir;

    @Test
    void parse_specExampleFromFile_printsHeaderJson() throws Exception {
        Path mail = Files.write(dir.resolve("m.eml"), Cli.resource("example-simple-autocrypt.eml"));
        Cli.Run r = Cli.run(null, "autocrypt", "parse", mail.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("headers").size());
        JsonNode h = j.get("headers").get(0);
        assertEquals("alice@autocrypt.example", h.get("addr").asText());
        assertEquals("mutual", h.get("prefer_encrypt").asText());
        assertEquals("EB85BB5FA33A75E15E944E63F231550C4F47E38E", h.get("fingerprint").asText());
        assertTrue(h.get("attributes").isObject());
        assertEquals(0, j.get("errors").size());
    }

    @Test
    void parse_mailWithoutValidHeader_fromStdin_givesEmptyListAndReasons() throws Exception {
        String mail = "From: a@kin.example\r\nAutocrypt: addr=a@kin.example; evil=1; keydata=AAAA\r\n\r\nx\r\n";
        Cli.Run r = Cli.run(mail.getBytes(StandardCharsets.US_ASCII), "autocrypt", "parse");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(0, j.get("headers").size());
        assertTrue(j.get("errors").get(0).asText().contains("evil"), r.text());
    }

    @Test
    void setupMessage_exportThenImport_roundTrips_codeOnStderrOnly() throws Exception {
        Cli.Run gen = Cli.run(null, "sop", "generate-key", "<me@kin.example>");
        Path key = Files.write(dir.resolve("me.key"), gen.out());
        Cli.Run exp = Cli.run(null, "autocrypt", "setup-message", "export", "--key", key.toString());
        assertEquals(0, exp.exit(), exp.err());
        String code = exp.err().replaceAll("(?s).*Setup Code: ([0-9-]{44}).*", "$1");
        assertTrue(code.matches("(\\d{4}-){8}\\d{4}"), exp.err());
        assertFalse(exp.text().contains(code));
        assertTrue(exp.text().contains("Autocrypt-Setup-Message: v1"));
        Cli.Run imp = Cli.run(exp.out(), "autocrypt", "setup-message", "import", "--code", code);
        assertEquals(0, imp.exit(), imp.err());
        assertTrue(imp.text().contains("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        Cli.Run cert1 = Cli.run(gen.out(), "sop", "extract-cert");
        Cli.Run cert2 = Cli.run(imp.out(), "sop", "extract-cert");
        assertArrayEquals(cert1.out(), cert2.out());
    }

    @Test
    void setupMessage_importSpecExample_printsCleartextKey_wrongCodeFails() throws Exception {
        Path sm = Files.write(dir.resolve("sm.eml"), Cli.resource("example-setup-message.eml"));
        Cli.Run ok = Cli.run(null, "autocrypt", "setup-message", "import", "--code", SPEC_CODE, sm.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(new String(Cli.resource("example-setup-message-cleartext.key"), StandardCharsets.US_ASCII).strip(),
                ok.text().strip());
        Cli.Run bad = Cli.run(null, "autocrypt", "setup-message", "import", "--code",
                SPEC_CODE.replace("0597", "0598"), sm.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("wrong Setup Code"), bad.err());
    }
}
