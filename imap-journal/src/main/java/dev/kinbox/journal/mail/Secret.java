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
     * (first line, at most 4 KiB); {@link MailStoreException.AuthFailed} if neither is set,
     * {@link MailStoreException.InvalidRequest} if the file is too large, empty or unreadable.
     */
    public static Secret fromEnvironment(Map<String, String> env) {
        try {
            return new Secret(read(env, ENV_PASSWORD, ENV_PASSWORD_FILE).orElseThrow(() ->
                    new MailStoreException.AuthFailed("no IMAP password: set " + ENV_PASSWORD + " or " + ENV_PASSWORD_FILE, null)));
        } catch (IllegalArgumentException e) {
            throw new MailStoreException.InvalidRequest(e.getMessage()); // the password file is too large, empty or unreadable
        }
    }

    /**
     * A secret given the way Kinbox takes every secret, never on a command line: the value of the
     * environment variable {@code variable}, else the first line of the file named by {@code fileVariable}
     * (at most 4 KiB). Empty when neither is set; {@link IllegalArgumentException} naming the variable
     * (never the secret) when the file is too large, empty or unreadable.
     */
    public static java.util.Optional<String> read(Map<String, String> env, String variable, String fileVariable) {
        String direct = env.get(variable);
        if (direct != null && !direct.isEmpty()) return java.util.Optional.of(direct);
        String file = env.get(fileVariable);
        if (file == null || file.isEmpty()) return java.util.Optional.empty();
        try {
            Path p = Path.of(file);
            if (Files.size(p) > MAX_FILE_BYTES) throw new IllegalArgumentException(fileVariable + " is larger than 4 KiB");
            String line = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (line.isEmpty()) throw new IllegalArgumentException("the file in " + fileVariable + " is empty");
            return java.util.Optional.of(line);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("cannot read the file in " + fileVariable + ": " + e.getClass().getSimpleName());
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
