package dev.kinbox.journal.mail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A password. Its {@link #toString()} never shows it, so it cannot leak into logs or exception
 * messages by accident; only the IMAP login reads {@link #reveal()}.
 */
public final class Secret {
    /** Environment variable holding the IMAP password. */
    public static final String ENV_PASSWORD = "KINBOX_IMAP_PASSWORD";
    /** Environment variable naming a file whose first line is the IMAP password. */
    public static final String ENV_PASSWORD_FILE = "KINBOX_IMAP_PASSWORD_FILE";
    private static final int MAX_FILE_BYTES = 4096;

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a password given in code (tests, fixtures). */
    public static Secret of(String password) {
        if (password == null || password.isEmpty()) throw new MailStoreException.InvalidRequest("empty password");
        return new Secret(password);
    }

    /**
     * The password from {@value #ENV_PASSWORD}, else from the file named by {@value #ENV_PASSWORD_FILE}
     * (first line, at most 4 KiB); {@link MailStoreException.AuthFailed} if neither is set.
     */
    public static Secret fromEnvironment(Map<String, String> env) {
        String direct = env.get(ENV_PASSWORD);
        if (direct != null && !direct.isEmpty()) return new Secret(direct);
        String file = env.get(ENV_PASSWORD_FILE);
        if (file == null || file.isEmpty()) {
            throw new MailStoreException.AuthFailed("no IMAP password: set " + ENV_PASSWORD + " or " + ENV_PASSWORD_FILE, null);
        }
        try {
            Path p = Path.of(file);
            if (Files.size(p) > MAX_FILE_BYTES) throw new MailStoreException.InvalidRequest(ENV_PASSWORD_FILE + " is larger than 4 KiB");
            String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("");
            if (line.isEmpty()) throw new MailStoreException.AuthFailed("the file in " + ENV_PASSWORD_FILE + " is empty", null);
            return new Secret(line);
        } catch (IOException | RuntimeException e) {
            if (e instanceof MailStoreException mse) throw mse;
            throw new MailStoreException.AuthFailed("cannot read the file in " + ENV_PASSWORD_FILE + ": " + e.getClass().getSimpleName(), null);
        }
    }

    /** The password itself; for the login command only. */
    String reveal() {
        return value;
    }

    @Override public String toString() {
        return "Secret[***]";
    }
}
