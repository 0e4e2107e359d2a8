package dev.kinbox.cli.crypto;


import dev.kinbox.crypto.Crypto;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox sop}: the Stateless OpenPGP command-line interface over the crypto module, so any
 * SOP test harness can compare Kinbox with other implementations. Key verbs live here, message
 * verbs in {@link SopMessageVerbs}.
 */
@Command(name = "sop", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 69, // UNSUPPORTED_SUBCOMMAND
        description = "Stateless OpenPGP (SOP) command-line interface.",
        subcommands = {SopCommand.Version.class, SopCommand.GenerateKey.class, SopCommand.ExtractCert.class,
                SopCommand.Armor.class, SopCommand.Dearmor.class, SopMessageVerbs.Sign.class,
                SopMessageVerbs.Verify.class, SopMessageVerbs.Encrypt.class, SopMessageVerbs.Decrypt.class})
public final class SopCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing SOP verb");
    }

    static Crypto crypto() {
        return Crypto.standard();
    }

    @Command(name = "version", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Print the implementation's name and version.")
    static final class Version implements Callable<Integer> {
        @Option(names = "--backend", description = "Name the OpenPGP library underneath.") boolean backend;
        @Option(names = "--extended", description = "Print extended version information.") boolean extended;

        @Override
        public Integer call() {
            String v = SopCommand.class.getPackage().getImplementationVersion();
            String line = "kinbox " + (v == null ? "0.1.0-SNAPSHOT" : v);
            if (backend) line = "Bouncy Castle " + org.bouncycastle.util.Properties.class.getPackage().getImplementationVersion();
            if (extended) line = line + "\nBouncy Castle OpenPGP (bcpg) high-level API, Autocrypt Level 1 key shape";
            System.out.println(line);
            return SopIo.OK;
        }
    }

    @Command(name = "generate-key", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Generate an Autocrypt-shaped secret key (Ed25519 + X25519, v4).")
    static final class GenerateKey implements Callable<Integer> {
        @Option(names = "--no-armor") boolean noArmor;
        @Option(names = "--with-key-password") String keyPassword;
        @Option(names = "--profile") String profile;
        @Parameters(arity = "0..1", paramLabel = "USERID") List<String> userIds = new ArrayList<>();

        @Override
        public Integer call() {
            return SopIo.run("generate-key", () -> {
                if (keyPassword != null) throw new SopIo.SopError(SopIo.UNSUPPORTED_OPTION, "--with-key-password is not supported");
                if (profile != null && !profile.equals("default")) {
                    throw new SopIo.SopError(89, "unsupported profile " + profile);
                }
                OpenPGPKey k = crypto().generateKey(userIds.isEmpty() ? "kinbox" : userIds.get(0));
                SopIo.stdout(noArmor ? k.getEncoded() : Crypto.armor(k).getBytes(StandardCharsets.US_ASCII));
                return SopIo.OK;
            });
        }
    }

    @Command(name = "extract-cert", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Read a secret key on stdin, print its certificate.")
    static final class ExtractCert implements Callable<Integer> {
        @Option(names = "--no-armor") boolean noArmor;

        @Override
        public Integer call() {
            return SopIo.run("extract-cert", () -> {
                var cert = crypto().readCertificate(SopIo.stdin());
                SopIo.stdout(noArmor ? cert.getEncoded() : Crypto.armor(cert).getBytes(StandardCharsets.US_ASCII));
                return SopIo.OK;
            });
        }
    }

    @Command(name = "armor", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "ASCII-armor binary OpenPGP data from stdin.")
    static final class Armor implements Callable<Integer> {
        @Option(names = "--label", hidden = true) String label;

        @Override
        public Integer call() {
            return SopIo.run("armor", () -> {
                byte[] bin = dearmor(SopIo.stdin());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                    a.write(bin);
                }
                SopIo.stdout(out.toByteArray());
                return SopIo.OK;
            });
        }
    }

    @Command(name = "dearmor", exitCodeOnInvalidInput = SopIo.UNSUPPORTED_OPTION, description = "Remove ASCII armor from stdin.")
    static final class Dearmor implements Callable<Integer> {
        @Override
        public Integer call() {
            return SopIo.run("dearmor", () -> {
                SopIo.stdout(dearmor(SopIo.stdin()));
                return SopIo.OK;
            });
        }
    }

    /** Binary form of armored or binary input (binary passes through). */
    static byte[] dearmor(byte[] data) throws SopIo.SopError {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            byte[] out = in.readAllBytes();
            if (out.length == 0) throw new SopIo.SopError(SopIo.BAD_DATA, "no OpenPGP data");
            return out;
        } catch (IOException | RuntimeException e) {
            throw new SopIo.SopError(SopIo.BAD_DATA, "not OpenPGP data: " + e.getMessage());
        }
    }

}
