package dev.kinbox.actors.remailer;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the installed {@code sqop} and {@code gpg} as independent OpenPGP implementations, bounded in time. */
final class OpenPgpTools {
    private OpenPgpTools() {}

    static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** Output of a process fed {@code stdin}; fails on a non-zero exit or after 30 s. */
    static byte[] run(List<String> command, byte[] stdin, Path dir) throws IOException, InterruptedException {
        Path in = Files.write(dir.resolve("stdin-" + System.nanoTime()), stdin);
        Path out = dir.resolve("stdout-" + System.nanoTime());
        Path err = dir.resolve("stderr-" + System.nanoTime());
        Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readAllBytes(out);
    }

    /** sqop decrypt with one armored secret key. */
    static byte[] sqopDecrypt(byte[] armoredKey, byte[] message, Path dir) throws Exception {
        Path key = Files.write(dir.resolve("sqop-key-" + System.nanoTime() + ".asc"), armoredKey);
        return run(List.of("sqop", "decrypt", key.toString()), message, dir);
    }

    /**
     * gpg --decrypt in a throwaway home with one imported secret key and the signer's certificate (gpg
     * exits non-zero on a signature it cannot check); the agent is stopped afterwards.
     */
    static byte[] gpgDecrypt(byte[] armoredKey, byte[] signerCert, byte[] message) throws Exception {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "kbg");
        try {
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            List<String> gpg = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                    "--pinentry-mode", "loopback", "--passphrase", ""));
            List<String> imp = new ArrayList<>(gpg);
            imp.add("--import");
            run(imp, armoredKey, home);
            run(imp, signerCert, home);
            List<String> dec = new ArrayList<>(gpg);
            dec.addAll(List.of("--decrypt", "--output", "-"));
            return run(dec, message, home);
        } finally {
            try {
                run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"), new byte[0], home);
            } catch (IOException e) {
                // no agent was started, or gpgconf is missing: nothing to stop
            }
            try (Stream<Path> s = Files.walk(home)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
