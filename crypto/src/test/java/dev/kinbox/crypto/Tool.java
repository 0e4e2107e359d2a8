package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs an external OpenPGP tool (sqop, gpg) with stdin bytes and a hard timeout. */
final class Tool {
    record Result(int exit, byte[] out, String err) {}

    private Tool() {}

    static boolean installed(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }

    /** Skips the calling test loudly when the tool is missing. */
    static void require(String name) {
        boolean ok = installed(name);
        if (!ok) System.err.println("skipped: " + name + " not installed");
        Assumptions.assumeTrue(ok, "skipped: " + name + " not installed");
    }

    static Result run(byte[] stdin, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread to = pump(p.getInputStream(), out);
        Thread te = pump(p.getErrorStream(), err);
        try (OutputStream os = p.getOutputStream()) {
            if (stdin != null) os.write(stdin);
        } catch (IOException ignored) {
            // tool closed stdin early; its exit code tells
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timeout: " + String.join(" ", cmd));
        }
        to.join(5000);
        te.join(5000);
        return new Result(p.exitValue(), out.toByteArray(), err.toString());
    }

    /** Runs and asserts exit 0; returns stdout. */
    static byte[] ok(byte[] stdin, Map<String, String> env, String... cmd) throws Exception {
        Result r = run(stdin, env, cmd);
        assertEquals(0, r.exit(), () -> String.join(" ", cmd) + " failed: " + r.err());
        return r.out();
    }

    static byte[] ok(byte[] stdin, String... cmd) throws Exception {
        return ok(stdin, Map.of(), cmd);
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
