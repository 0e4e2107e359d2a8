package dev.kinbox.cli.device;

import java.nio.file.Path;
import java.util.Locale;
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

    @Option(names = "--account", paramLabel = "ADDR", description = "The account's mail address (its id in Kinbox). Default: the IMAP user, when that is the address.")
    String account;

    @Option(names = "--state", paramLabel = "DIR",
            description = "This device's state directory (device key and local log). Default: ~/.kinbox/devices/ACCOUNT.")
    Path state;

    @Option(names = "--name", paramLabel = "NAME", description = "This device's name as the other devices show it. Default: the host name.")
    String name;

    public DeviceOptions() {}

    /** The options {@code --imap imap --account account --state state} (account and state may be null: their defaults). */
    public static DeviceOptions of(String imap, String account, Path state) {
        DeviceOptions o = new DeviceOptions();
        o.imap = imap;
        o.account = account;
        o.state = state;
        return o;
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
