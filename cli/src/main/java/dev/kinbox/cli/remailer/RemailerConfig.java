package dev.kinbox.cli.remailer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.kinbox.actors.remailer.Claims;
import dev.kinbox.actors.remailer.ListSettings;
import dev.kinbox.actors.remailer.SmtpSettings;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * A list's remailer configuration, parsed once from a HOCON file (subtree {@code remailer}); every key
 * is described in the README ("Running a remailer"). Relative paths are resolved against the file's
 * directory. Passwords come only from an environment variable or a file the configuration names,
 * never from the configuration text or a command-line argument.
 *
 * @param list          list settings (address and recommendation; the rest at their defaults)
 * @param listKey       the list's secret key
 * @param instanceKey   this machine's running instance's device key ({@code run})
 * @param adminKey      the device key of this machine's admin commands
 * @param others        certificates of the list's writers on other machines (their instances and admins)
 * @param stateDir      local journal tier; one LevelDB directory per writer id below it
 * @param imap          the list account
 * @param folder        where posts arrive
 * @param smtp          where list mail is sent
 * @param claimLease    how long another instance's claim on a post is left alone
 * @param pollInterval  how often the other writers' journals are read
 */
public record RemailerConfig(ListSettings list, OpenPGPKey listKey, OpenPGPKey instanceKey, OpenPGPKey adminKey,
                             List<OpenPGPCertificate> others, Path stateDir, ImapSettings imap, String folder, SmtpSettings smtp,
                             Duration claimLease, Duration pollInterval) {
    private static final int MAX_FILE = 1 << 20;
    private static final int MAX_PASSWORD_FILE = 4096;

    /** The running instance's id (the device id of {@link #instanceKey}). */
    public String instanceId() {
        return Keyring.deviceIdOf(instanceKey.toCertificate());
    }

    /** The admin commands' id (the device id of {@link #adminKey}). */
    public String adminId() {
        return Keyring.deviceIdOf(adminKey.toCertificate());
    }

    /** Reads and checks the whole configuration; {@code env} supplies {@code password-env} variables. */
    public static RemailerConfig load(Path file, Map<String, String> env, Crypto crypto) throws ConfigException {
        Config root;
        try {
            if (!Files.isRegularFile(file)) throw new ConfigException.Unreadable("config", file.toString(), "no such file", null);
            root = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException.Unreadable("config", file.toString(), e.getMessage(), e);
        }
        Settings s = new Settings(root, file.toAbsolutePath().getParent());
        ListSettings list;
        try {
            list = ListSettings.defaults(s.string("list"));
            String rec = s.optString("recommendation");
            if (rec != null) {
                try {
                    list = list.withRecommendation(ListSettings.Mode.valueOf(rec.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException.Invalid(Settings.P + "recommendation", "must be available or mandatory");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException.Invalid(Settings.P + "list", e.getMessage());
        }
        OpenPGPKey listKey = key(s, "list-key-file", crypto);
        OpenPGPKey instanceKey = key(s, "instance-key-file", crypto);
        OpenPGPKey adminKey = key(s, "admin-key-file", crypto);
        List<OpenPGPCertificate> others = new ArrayList<>();
        for (Path p : s.paths("other-certificate-files")) others.add(cert(p, crypto));
        Path stateDir = s.path("state-dir");
        String imapUrl = s.string("imap.url");
        String imapPassword = s.password("imap", env);
        ImapSettings imap;
        try {
            imap = MailStores.parseUrl(imapUrl, Map.of(Secret.ENV_PASSWORD, imapPassword));
        } catch (MailStoreException e) {
            throw new ConfigException.Invalid(Settings.P + "imap.url", e.getMessage());
        }
        if (s.optString("imap.trust-certificate-file") != null) {
            String key = Settings.P + "imap.trust-certificate-file";
            Path pem = s.path("imap.trust-certificate-file");
            try {
                imap = MailStores.trusting(imap, read(key, pem, MailStores.MAX_TRUST_PEM_BYTES));
            } catch (MailStoreException e) {
                throw new ConfigException.Invalid(key, pem + ": " + e.getMessage());
            }
        }
        String folder = s.optString("imap.folder");
        SmtpSettings smtp = SmtpUrl.parse(s.string("smtp.url"), s, env);
        Duration lease = s.duration("claim-lease", Duration.ofMinutes(10));
        Duration poll = s.duration("poll-interval", Duration.ofSeconds(2));
        try {
            Claims.of(list.listAddress(), lease, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new ConfigException.Invalid(Settings.P + "list", e.getMessage());
        }
        if (Keyring.deviceIdOf(instanceKey.toCertificate()).equals(Keyring.deviceIdOf(adminKey.toCertificate()))) {
            throw new ConfigException.Invalid(Settings.P + "admin-key-file", "the admin commands need their own key, not the instance's");
        }
        return new RemailerConfig(list, listKey, instanceKey, adminKey, others, stateDir, imap, folder == null ? "INBOX" : folder, smtp,
                lease, poll);
    }

    private static OpenPGPKey key(Settings s, String name, Crypto crypto) throws ConfigException {
        Path p = s.path(name);
        try {
            return crypto.readKey(read(Settings.P + name, p, MAX_FILE));
        } catch (CryptoException e) {
            throw new ConfigException.Invalid(Settings.P + name, p + " is not an OpenPGP secret key: " + e.getMessage());
        }
    }

    private static OpenPGPCertificate cert(Path p, Crypto crypto) throws ConfigException {
        try {
            return crypto.readCertificate(read(Settings.P + "other-certificate-files", p, MAX_FILE));
        } catch (CryptoException e) {
            throw new ConfigException.Invalid(Settings.P + "other-certificate-files", p + " is not an OpenPGP certificate: " + e.getMessage());
        }
    }

    static byte[] read(String setting, Path p, int max) throws ConfigException {
        try {
            if (Files.size(p) > max) throw new ConfigException.Unreadable(setting, p.toString(), "larger than " + max + " bytes", null);
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new ConfigException.Unreadable(setting, p.toString(), e.getClass().getSimpleName(), e);
        }
    }

    /** Typed access to the {@code remailer} subtree; every failure names its key. */
    static final class Settings {
        static final String P = "remailer.";
        private final Config c;
        private final Path dir;

        Settings(Config root, Path dir) {
            this.c = root;
            this.dir = dir;
        }

        String string(String key) throws ConfigException {
            String v = optString(key);
            if (v == null || v.isBlank()) throw new ConfigException.Missing(P + key);
            return v;
        }

        String optString(String key) throws ConfigException {
            try {
                return c.hasPath(P + key) ? c.getString(P + key) : null;
            } catch (WrongType e) {
                throw new ConfigException.Invalid(P + key, "must be a string");
            }
        }

        Path path(String key) throws ConfigException {
            try {
                return dir.resolve(string(key));
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException.Invalid(P + key, "not a file name");
            }
        }

        List<Path> paths(String key) throws ConfigException {
            if (!c.hasPath(P + key)) return List.of();
            try {
                List<Path> out = new ArrayList<>();
                for (String s : c.getStringList(P + key)) out.add(dir.resolve(s));
                return out;
            } catch (WrongType e) {
                throw new ConfigException.Invalid(P + key, "must be a list of file names");
            }
        }

        Duration duration(String key, Duration dflt) throws ConfigException {
            if (!c.hasPath(P + key)) return dflt;
            try {
                Duration d = c.getDuration(P + key);
                if (d.isNegative() || d.isZero()) throw new ConfigException.Invalid(P + key, "must be positive");
                return d;
            } catch (com.typesafe.config.ConfigException.BadValue | WrongType e) {
                throw new ConfigException.Invalid(P + key, "must be a duration like 10m or 2s");
            }
        }

        /** The password of {@code section} ({@code imap} or {@code smtp}) from password-env or password-file, exactly one. */
        String password(String section, Map<String, String> env) throws ConfigException {
            if (c.hasPath(P + section + ".password")) {
                throw new ConfigException.Invalid(P + section + ".password", "passwords are never read from the config; use password-env or password-file");
            }
            String var = optString(section + ".password-env");
            String file = optString(section + ".password-file");
            if ((var == null) == (file == null)) {
                throw new ConfigException.Missing(P + section + ".password-env or " + P + section + ".password-file (exactly one)");
            }
            if (var != null) {
                String v = env.get(var);
                if (v == null || v.isEmpty()) throw new ConfigException.Invalid(P + section + ".password-env", "environment variable " + var + " is not set");
                return v;
            }
            Path p = dir.resolve(file);
            String text = new String(read(P + section + ".password-file", p, MAX_PASSWORD_FILE), java.nio.charset.StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("").strip();
            if (line.isEmpty()) throw new ConfigException.Invalid(P + section + ".password-file", p + " is empty");
            return line;
        }
    }
}
