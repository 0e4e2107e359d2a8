package dev.kinbox.journal.mail;

/** Test access to a fixture account's generated password, to hand it to a command through its environment. */
public final class TestSecrets {
    private TestSecrets() {}

    public static String reveal(Secret s) {
        return s.reveal();
    }
}
