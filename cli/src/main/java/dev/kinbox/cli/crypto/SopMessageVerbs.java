package dev.kinbox.cli.crypto;

import static dev.kinbox.cli.crypto.SopIo.run;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.crypto.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.openpgp.PGPSessionKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** SOP's message verbs: sign, verify, encrypt, decrypt. */
final class SopMessageVerbs {
    private SopMessageVerbs() {}

    /** SOP verification line: {@code <time> <signing fpr> <primary fpr> mode:binary}. */
    static String lines(List<Verification> vs) {
        StringBuilder sb = new StringBuilder();
        for (Verification v : vs) {
            sb.append(DateTimeFormatter.ISO_INSTANT.format(v.created().truncatedTo(ChronoUnit.SECONDS))).append(' ')
                    .append(v.signingKey()).append(' ').append(v.primaryFingerprint()).append(" mode:binary\n");
        }
        return sb.toString();
    }

    static void checkAs(String as) throws SopIo.SopError {
        if (as != null && !as.equals("binary")) throw new SopIo.SopError(SopIo.UNSUPPORTED_OPTION, "only --as=binary is supported");
    }

    @Command(name = "sign", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Make a detached signature of stdin.")
    static final class Sign implements Callable<Integer> {
        @Option(names = "--no-armor") boolean noArmor;
        @Option(names = "--as") String as;
        @Option(names = "--with-key-password") List<String> keyPasswords = new ArrayList<>();
        @Option(names = "--micalg-out") String micalgOut;
        @Parameters(arity = "0..*", paramLabel = "KEYS") List<String> keys = new ArrayList<>();

        @Override
        public Integer call() {
            return run("sign", () -> {
                if (keys.isEmpty()) throw new SopIo.SopError(SopIo.MISSING_ARG, "no KEYS");
                checkAs(as);
                Crypto c = SopCommand.crypto();
                byte[] sig = c.signDetached(SopIo.stdin(), SopIo.keys(c, keys), !noArmor);
                if (micalgOut != null) SopIo.writeIndirect(micalgOut, "pgp-sha512".getBytes(StandardCharsets.US_ASCII));
                SopIo.stdout(sig);
                return SopIo.OK;
            });
        }
    }

    @Command(name = "verify", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Verify detached signatures over stdin.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--not-before") String notBefore;
        @Option(names = "--not-after") String notAfter;
        @Parameters(arity = "0..*", paramLabel = "SIGNATURES CERTS") List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return run("verify", () -> {
                if (args.size() < 2) throw new SopIo.SopError(SopIo.MISSING_ARG, "need SIGNATURES and at least one CERT");
                String signatures = args.get(0);
                List<String> certs = args.subList(1, args.size());
                Crypto c = SopCommand.crypto();
                List<Verification> vs = c.verifyDetached(SopIo.stdin(), SopIo.indirect(signatures), SopIo.certs(c, certs));
                vs = window(vs, notBefore, notAfter);
                if (vs.isEmpty()) throw new SopIo.SopError(SopIo.NO_SIGNATURE, "no valid signature");
                SopIo.stdout(lines(vs).getBytes(StandardCharsets.UTF_8));
                return SopIo.OK;
            });
        }
    }

    static List<Verification> window(List<Verification> vs, String notBefore, String notAfter) throws SopIo.SopError {
        Instant lo = bound(notBefore, Instant.MIN), hi = bound(notAfter, Instant.now());
        return vs.stream().filter(v -> !v.created().isBefore(lo) && !v.created().isAfter(hi)).toList();
    }

    private static Instant bound(String s, Instant dflt) throws SopIo.SopError {
        if (s == null) return dflt;
        if (s.equals("-")) return dflt == Instant.MIN ? Instant.MIN : Instant.MAX;
        if (s.equals("now")) return Instant.now();
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            throw new SopIo.SopError(SopIo.UNSUPPORTED_OPTION, "bad date " + s);
        }
    }

    @Command(name = "encrypt", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Encrypt stdin to certificates and/or passwords, optionally signing.")
    static final class Encrypt implements Callable<Integer> {
        @Option(names = "--no-armor") boolean noArmor;
        @Option(names = "--as") String as;
        @Option(names = "--profile") String profile;
        @Option(names = "--with-password") List<String> passwords = new ArrayList<>();
        @Option(names = "--sign-with") List<String> signWith = new ArrayList<>();
        @Option(names = "--with-key-password") List<String> keyPasswords = new ArrayList<>();
        @Parameters(arity = "0..*", paramLabel = "CERTS") List<String> certs = new ArrayList<>();

        @Override
        public Integer call() {
            return run("encrypt", () -> {
                checkAs(as);
                if (certs.isEmpty() && passwords.isEmpty()) throw new SopIo.SopError(SopIo.MISSING_ARG, "no CERTS or --with-password");
                Crypto c = SopCommand.crypto();
                List<char[]> pws = new ArrayList<>();
                for (String p : passwords) pws.add(SopIo.password(p));
                byte[] out = c.encryptWithPasswords(SopIo.stdin(), pws, SopIo.certs(c, certs), SopIo.keys(c, signWith), !noArmor);
                SopIo.stdout(out);
                return SopIo.OK;
            });
        }
    }

    @Command(name = "decrypt", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Decrypt stdin with keys, passwords or a session key; optionally verify.")
    static final class Decrypt implements Callable<Integer> {
        @Option(names = "--session-key-out") String sessionKeyOut;
        @Option(names = "--with-session-key") List<String> sessionKeys = new ArrayList<>();
        @Option(names = "--with-password") List<String> passwords = new ArrayList<>();
        @Option(names = "--verify-with") List<String> verifyWith = new ArrayList<>();
        @Option(names = {"--verifications-out", "--verify-out"}) String verificationsOut;
        @Option(names = "--verify-not-before") String notBefore;
        @Option(names = "--verify-not-after") String notAfter;
        @Option(names = "--with-key-password") List<String> keyPasswords = new ArrayList<>();
        @Parameters(arity = "0..*", paramLabel = "KEYS") List<String> keys = new ArrayList<>();

        @Override
        public Integer call() {
            return run("decrypt", () -> {
                if (keys.isEmpty() && passwords.isEmpty() && sessionKeys.isEmpty()) {
                    throw new SopIo.SopError(SopIo.MISSING_ARG, "no KEYS, --with-password or --with-session-key");
                }
                if (verificationsOut != null && verifyWith.isEmpty()) {
                    throw new SopIo.SopError(SopIo.INCOMPATIBLE_OPTIONS, "--verifications-out needs --verify-with");
                }
                Crypto c = SopCommand.crypto();
                byte[] msg = SopIo.stdin();
                List<char[]> pws = new ArrayList<>();
                for (String p : passwords) pws.add(SopIo.password(p));
                Decrypted d = null;
                for (String sk : sessionKeys) {
                    try {
                        PGPSessionKey key = PGPSessionKey.fromAsciiRepresentation(
                                new String(SopIo.indirect(sk), StandardCharsets.US_ASCII).trim());
                        d = c.decrypt(msg, List.of(), SopIo.certs(c, verifyWith), List.of(), key);
                        break;
                    } catch (RuntimeException | dev.kinbox.crypto.CryptoException e) {
                        // try the next session key, then keys and passwords
                    }
                }
                if (d == null) d = c.decrypt(msg, SopIo.keys(c, keys), SopIo.certs(c, verifyWith), pws, null);
                if (d.seipdVersion() == 0) throw new SopIo.SopError(SopIo.BAD_DATA, "message is not encrypted");
                if (sessionKeyOut != null) {
                    SopIo.writeIndirect(sessionKeyOut, (d.sessionKey() + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                if (verificationsOut != null) {
                    SopIo.writeIndirect(verificationsOut,
                            lines(window(d.verifications(), notBefore, notAfter)).getBytes(StandardCharsets.UTF_8));
                }
                SopIo.stdout(d.plaintext());
                return SopIo.OK;
            });
        }
    }
}
