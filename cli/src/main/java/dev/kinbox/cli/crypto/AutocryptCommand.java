package dev.kinbox.cli.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.AutocryptMail;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.SetupMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox autocrypt}: {@code parse [FILE]} prints a mail's Autocrypt headers as JSON;
 * {@code setup-message export|import} makes and reads Autocrypt Setup Messages. Exit codes:
 * 0 done, 1 bad input (message on stderr), 2 usage.
 */
@Command(name = "autocrypt", mixinStandardHelpOptions = true, description = "Autocrypt Level 1 tools.",
        subcommands = {AutocryptCommand.Parse.class, AutocryptCommand.Setup.class})
public final class AutocryptCommand implements Runnable {
    static final int BAD_INPUT = 1;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    static byte[] input(String file) throws SopIo.SopError, IOException {
        return file == null || file.equals("-") ? SopIo.stdin() : SopIo.indirect(file);
    }

    interface Body {
        int run() throws Exception;
    }

    static int guarded(String what, Body b) {
        try {
            return b.run();
        } catch (CryptoException | SopIo.SopError | IOException e) {
            System.err.println("kinbox autocrypt " + what + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (Exception e) {
            System.err.println("kinbox autocrypt " + what + ": unexpected " + e);
            return BAD_INPUT;
        }
    }

    @Command(name = "parse", description = "Read a mail (FILE or stdin), print its Autocrypt headers as JSON.")
    static final class Parse implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE") String file;

        @Override
        public Integer call() {
            return guarded("parse", () -> {
                AutocryptMail m = Crypto.standard().autocrypt().parseMail(input(file), Instant.now());
                System.out.println(json(m));
                return 0;
            });
        }
    }

    /** The JSON of the issue: headers (0 or 1) and errors. */
    static String json(AutocryptMail m) throws IOException {
        List<Map<String, Object>> headers = new ArrayList<>();
        for (AutocryptHeader h : m.header().stream().toList()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("addr", h.addr());
            o.put("prefer_encrypt", h.mutual() ? "mutual" : "nopreference");
            o.put("fingerprint", h.fingerprint());
            o.put("attributes", h.nonCritical());
            headers.add(o);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("headers", headers);
        root.put("errors", m.errors());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    @Command(name = "setup-message", mixinStandardHelpOptions = true, description = "Autocrypt Setup Messages.",
            subcommands = {Export.class, Import.class})
    static final class Setup implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "Missing subcommand: export or import");
        }
    }

    @Command(name = "export", description = "Print a Setup Message for a secret key; the Setup Code goes to stderr.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Armored or binary secret key.") String key;
        @Option(names = "--addr", description = "Account address (default: from the key's user ID).") String addr;
        @Option(names = "--no-mutual", description = "Say prefer-encrypt=nopreference instead of mutual.") boolean noMutual;

        @Override
        public Integer call() {
            return guarded("setup-message export", () -> {
                Crypto c = Crypto.standard();
                OpenPGPKey k = c.readKey(SopIo.indirect(key));
                String a = addr != null ? addr : addressOf(k);
                SetupMessage sm = c.setupMessages().create(a, k, !noMutual);
                SopIo.stdout(sm.mail());
                System.err.println("Setup Code: " + sm.code());
                return 0;
            });
        }
    }

    static String addressOf(OpenPGPKey k) throws SopIo.SopError {
        var uid = k.getPrimaryUserId();
        String s = uid == null ? "" : uid.getUserId();
        int lt = s.indexOf('<'), gt = s.indexOf('>', lt + 1);
        String a = lt >= 0 && gt > lt ? s.substring(lt + 1, gt) : s;
        if (!a.contains("@")) throw new SopIo.SopError(BAD_INPUT, "key has no address in its user ID; give --addr");
        return a;
    }

    @Command(name = "import", description = "Decrypt a Setup Message (FILE or stdin), print the armored secret key.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--code", required = true, paramLabel = "CODE",
                description = "The Setup Code, or @ENV:NAME / a file name via @FILE:PATH to keep it off the command line.")
        String code;
        @Parameters(arity = "0..1", paramLabel = "FILE") String file;

        @Override
        public Integer call() {
            return guarded("setup-message import", () -> {
                String c = code.startsWith("@FILE:") ? new String(SopIo.indirect(code.substring(6)), StandardCharsets.UTF_8)
                        : code.startsWith("@ENV:") ? new String(SopIo.indirect(code), StandardCharsets.UTF_8) : code;
                SetupMessage.Imported imp = Crypto.standard().setupMessages().importMessage(input(file), c.trim());
                SopIo.stdout(imp.armoredKey().getBytes(StandardCharsets.US_ASCII));
                return 0;
            });
        }
    }
}
