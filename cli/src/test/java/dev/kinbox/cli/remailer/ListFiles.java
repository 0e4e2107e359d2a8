package dev.kinbox.cli.remailer;

import dev.kinbox.crypto.Crypto;
import java.nio.file.Files;
import java.nio.file.Path;

/** A list's key files and a list.conf in a temp directory, for the CLI tests. */
final class ListFiles {
    static final String LIST = "friends@kinbox.test";
    final Path dir;
    final Path conf;

    private ListFiles(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("list.conf");
    }

    /** Files already written (a copy of another directory). */
    static ListFiles existing(Path dir) {
        return new ListFiles(dir);
    }

    ListFiles(Path dir, int imapPort, int smtpPort) throws Exception {
        this.dir = dir;
        Crypto crypto = Crypto.standard();
        Files.writeString(dir.resolve("list.key"), Crypto.armor(crypto.generateKey("<" + LIST + ">")));
        Files.writeString(dir.resolve("instance.key"), Crypto.armor(crypto.generateKey("<instance@kinbox.invalid>")));
        Files.writeString(dir.resolve("admin.key"), Crypto.armor(crypto.generateKey("<admin@kinbox.invalid>")));
        Files.writeString(dir.resolve("imap.password"), "list-pw-1\n");
        conf = dir.resolve("list.conf");
        Files.writeString(conf, text(imapPort, smtpPort));
    }

    /** The configuration the README shows, with loopback ports and files in this directory. */
    static String text(int imapPort, int smtpPort) {
        return String.join("\n",
                "remailer {",
                "  list = \"" + LIST + "\"",
                "  recommendation = available",
                "  list-key-file = list.key",
                "  instance-key-file = instance.key",
                "  admin-key-file = admin.key",
                "  other-certificate-files = []",
                "  state-dir = state",
                "  imap {",
                "    url = \"imap://friends@127.0.0.1:" + imapPort + "?tls=none\"",
                "    password-file = imap.password",
                "    folder = INBOX",
                "  }",
                "  smtp {",
                "    url = \"smtp://127.0.0.1:" + smtpPort + "?tls=none\"",
                "  }",
                "  claim-lease = 10m",
                "  poll-interval = 500ms",
                "}", "");
    }

    /** Rewrites list.conf with {@code from} replaced by {@code to} (which must occur). */
    void edit(String from, String to) throws Exception {
        String t = Files.readString(conf);
        if (!t.contains(from)) throw new IllegalArgumentException("no '" + from + "' in list.conf");
        Files.writeString(conf, t.replace(from, to));
    }
}
