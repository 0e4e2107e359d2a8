package dev.kinbox.cli.crypto;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** Stdin/stdout, SOP's indirect inputs/outputs and its exit codes, shared by the verbs. */
final class SopIo {
    static final int OK = 0;
    static final int NO_SIGNATURE = 3;
    static final int UNSUPPORTED_ASYMMETRIC_ALGO = 13;
    static final int CERT_CANNOT_ENCRYPT = 17;
    static final int MISSING_ARG = 19;
    static final int CANNOT_DECRYPT = 29;
    static final int UNSUPPORTED_OPTION = 37;
    static final int BAD_DATA = 41;
    static final int OUTPUT_EXISTS = 59;
    static final int MISSING_INPUT = 61;
    static final int UNSUPPORTED_SPECIAL_PREFIX = 71;
    static final int KEY_CANNOT_SIGN = 79;
    static final int INCOMPATIBLE_OPTIONS = 83;

    static final int MAX_INPUT = 64 << 20;

    /** A failure with its SOP exit code. */
    static final class SopError extends Exception {
        final int code;

        SopError(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private SopIo() {}

    /** Runs a verb body, mapping failures to SOP exit codes with a one-line message on stderr. */
    static int run(String verb, Body body) {
        try {
            return body.run();
        } catch (SopError e) {
            System.err.println("kinbox sop " + verb + ": " + e.getMessage());
            return e.code;
        } catch (CryptoException e) {
            System.err.println("kinbox sop " + verb + ": " + e.getMessage());
            return codeFor(verb, e);
        } catch (IOException e) {
            System.err.println("kinbox sop " + verb + ": " + e.getMessage());
            return BAD_DATA;
        }
    }

    interface Body {
        int run() throws SopError, CryptoException, IOException;
    }

    static int codeFor(String verb, CryptoException e) {
        if (e instanceof CryptoException.Malformed) return BAD_DATA;
        if (e instanceof CryptoException.BadSignature) return NO_SIGNATURE;
        if (e instanceof CryptoException.Unsupported) return UNSUPPORTED_ASYMMETRIC_ALGO;
        if (e instanceof CryptoException.NoMatchingKey) {
            return switch (verb) {
                case "encrypt" -> CERT_CANNOT_ENCRYPT;
                case "sign" -> KEY_CANNOT_SIGN;
                default -> CANNOT_DECRYPT;
            };
        }
        return CANNOT_DECRYPT; // WrongSecret, PairingAborted
    }

    static byte[] stdin() throws IOException, SopError {
        return readCapped(System.in);
    }

    static void stdout(byte[] data) {
        System.out.write(data, 0, data.length);
        System.out.flush();
    }

    /** SOP indirect input: a file name or {@code @ENV:NAME}. */
    static byte[] indirect(String name) throws SopError, IOException {
        if (name.startsWith("@ENV:")) {
            String v = System.getenv(name.substring(5));
            if (v == null) throw new SopError(MISSING_INPUT, "environment variable not set: " + name.substring(5));
            return v.getBytes(StandardCharsets.UTF_8);
        }
        if (name.startsWith("@")) throw new SopError(UNSUPPORTED_SPECIAL_PREFIX, "unsupported special prefix: " + name);
        Path p = Path.of(name);
        if (!Files.isReadable(p)) throw new SopError(MISSING_INPUT, "cannot read " + name);
        try (InputStream in = Files.newInputStream(p)) {
            return readCapped(in);
        }
    }

    /** SOP indirect output: must not exist yet. */
    static void writeIndirect(String name, byte[] data) throws SopError, IOException {
        if (name.startsWith("@")) throw new SopError(UNSUPPORTED_SPECIAL_PREFIX, "unsupported special prefix: " + name);
        Path p = Path.of(name);
        if (Files.exists(p)) throw new SopError(OUTPUT_EXISTS, "output exists: " + name);
        Files.write(p, data);
    }

    /** A password from indirect input, trailing whitespace removed as SOP asks. */
    static char[] password(String name) throws SopError, IOException {
        return new String(indirect(name), StandardCharsets.UTF_8).stripTrailing().toCharArray();
    }

    static List<OpenPGPKey> keys(Crypto crypto, List<String> names) throws SopError, IOException, CryptoException {
        List<OpenPGPKey> out = new ArrayList<>();
        for (String n : names) out.add(crypto.readKey(indirect(n)));
        return out;
    }

    static List<OpenPGPCertificate> certs(Crypto crypto, List<String> names) throws SopError, IOException, CryptoException {
        List<OpenPGPCertificate> out = new ArrayList<>();
        for (String n : names) out.add(crypto.readCertificate(indirect(n)));
        return out;
    }

    private static byte[] readCapped(InputStream in) throws IOException, SopError {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > MAX_INPUT) throw new SopError(BAD_DATA, "input over " + MAX_INPUT + " bytes");
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
