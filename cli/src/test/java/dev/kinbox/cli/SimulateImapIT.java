package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinbox.journal.mail.Secret;
import dev.kinbox.journal.mail.servers.DovecotServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kinbox simulate --store imap://...} on a real server (Dovecot) whose users were created before the run. */
class SimulateImapIT {
    private static final String PASSWORD = "pre-created-pw";

    private record Ran(int code, String out, String err) {}

    private static Ran simulate(String store, Path dir, String... extra) {
        SimulateCommand cmd = new SimulateCommand();
        cmd.env = Map.of(Secret.ENV_PASSWORD, PASSWORD);
        List<String> args = new ArrayList<>(List.of("--store", store, "--accounts", "2", "--devices-per-account", "2", "--duration", "3s", "--edits-per-day", "24",
                "--seed", "5", "--report", dir.resolve("report.json").toString(), "--plots", dir.resolve("plots").toString()));
        args.addAll(List.of(extra));
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(cmd).execute(args.toArray(String[]::new));
            return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void aRunOnPreCreatedDovecotUsers_holdsTheInvariants_andARunAfterItNeedsWipeStore(@TempDir Path dir) throws Exception {
        boolean installed = DovecotServer.isInstalled();
        if (!installed) System.err.println("skipped: dovecot not installed");
        Assumptions.assumeTrue(installed, "skipped: dovecot not installed");
        try (DovecotServer dovecot = DovecotServer.start(new SecureRandom())) {
            dovecot.addUser("sim0", PASSWORD);
            dovecot.addUser("sim1", PASSWORD);
            String store = "imap://sim{n}@127.0.0.1:" + dovecot.port();

            Ran first = simulate(store, dir.resolve("first"));
            assertEquals(0, first.code(), first.out() + first.err());
            JsonNode j = new ObjectMapper().readTree(dir.resolve("first/report.json").toFile());
            assertEquals(store, j.get("store").asText());
            j.get("invariants").fields().forEachRemaining(e -> assertTrue(e.getValue().asBoolean(), e.getKey() + " false: " + j.toPrettyString()));
            assertTrue(j.get("acked_edits").asLong() > 0 && j.get("imap_ops").asLong() > 0, j.toPrettyString());

            Ran refused = simulate(store, dir.resolve("refused"));
            assertEquals(SimulateCommand.SET_UP_FAILED, refused.code(), refused.err());
            assertTrue(refused.err().contains("user sim0") && refused.err().contains("--wipe-store"), refused.err());

            Ran again = simulate(store, dir.resolve("again"), "--wipe-store");
            assertEquals(0, again.code(), again.out() + again.err());
            assertTrue(again.err().contains("SMA folders an earlier run left"), again.err());
            assertTrue(!again.err().contains(PASSWORD) && !again.out().contains(PASSWORD), "the password is never printed");
        }
    }
}
