package dev.kinbox.journal.mail;

import dev.kinbox.journal.mail.servers.DovecotServer;
import org.junit.jupiter.api.Assumptions;

/** Skips (never passes) a Dovecot test where the binary is missing. */
final class DovecotFixture {
    private DovecotFixture() {}

    static void assumeInstalled() {
        boolean ok = DovecotServer.isInstalled();
        if (!ok) System.err.println("skipped: dovecot not installed");
        Assumptions.assumeTrue(ok, "skipped: dovecot not installed");
    }
}
