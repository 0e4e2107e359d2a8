package dev.kinbox.cli.device;

import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the device lives: the account's IMAP server, the account id, this device's state directory and
 * name. Public for other commands that open an existing device ({@code kinbox replay --imap}).
 */
public final class DeviceOptions {
    @Option(names = "--imap", required = true, paramLabel = "URL",
            description = "The account: imap://USER@HOST:PORT[?tls=none|starttls|tls]. The password comes from "
                    + "KINBOX_IMAP_PASSWORD or the file named by KINBOX_IMAP_PASSWORD_FILE, never from the command line.")
    String imap;

    @Option(names = "--imap-trust", paramLabel = "PEM",
            description = "Trust the certificates in this PEM file (a self-signed server's, or a private CA's) instead of "
                    + "the JVM's trust store; needs tls=starttls or tls. The host name is still checked.")
    Path imapTrust;

    @Option(names = "--account", paramLabel = "ADDR", description = "The account's mail address (its id in Kinbox). Default: the IMAP user, when that is the address.")
    String account;

    @Option(names = "--state", paramLabel = "DIR",
            description = "This device's state directory (device key and local log). Default: ~/.kinbox/devices/ACCOUNT.")
    Path state;

    @Option(names = "--name", paramLabel = "NAME", description = "This device's name as the other devices show it. Default: the host name.")
    String name;

    public DeviceOptions() {}

    /**
     * The options {@code --imap imap --account account --state state --imap-trust imapTrust} (all but
     * {@code imap} may be null: their defaults).
     */
    public static DeviceOptions of(String imap, String account, Path state, Path imapTrust) {
        DeviceOptions o = new DeviceOptions();
        o.imap = imap;
        o.account = account;
        o.state = state;
        o.imapTrust = imapTrust;
        return o;
    }

    /** The IMAP settings: the URL, the password from {@code env}, and the trusted certificates if given. */
    public ImapSettings imapSettings(Map<String, String> env) throws IOException {
        ImapSettings s = MailStores.parseUrl(imap, env);
        if (imapTrust == null) return s;
        if (Files.size(imapTrust) > MailStores.MAX_TRUST_PEM_BYTES) {
            throw new IllegalArgumentException("--imap-trust " + imapTrust + ": larger than " + MailStores.MAX_TRUST_PEM_BYTES + " bytes");
        }
        return MailStores.trusting(s, Files.readAllBytes(imapTrust));
    }

    public String account() {
        if (account != null) return account;
        int at = imap.indexOf("://");
        int end = imap.indexOf('@', at + 3);
        if (at < 0 || end < 0) throw new IllegalArgumentException("--imap must look like imap://USER@HOST:PORT");
        return imap.substring(at + 3, end);
    }

    public Path state() {
        if (state != null) return state;
        return Path.of(System.getProperty("user.home"), ".kinbox", "devices", account().toLowerCase(Locale.ROOT));
    }

    String name() {
        if (name != null) return name;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "Kinbox device";
        }
    }
}
