package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void version_printsKinboxAndJava() {
        int[] code = new int[1];
        String out = captureOut(() -> code[0] = Main.run("--version"));
        assertEquals(0, code[0]);
        assertTrue(out.startsWith("kinbox "), out);
        assertTrue(out.contains("Java 17") || out.contains("Java "), out);
    }

    @Test
    void help_listsSubcommands() {
        String out = captureOut(() -> Main.run("--help"));
        assertTrue(out.contains("simulate"), out);
        assertTrue(out.contains("bench"), out);
    }

    @Test
    void noSubcommand_isAUsageError() {
        assertEquals(2, Main.run());
    }

    @Test
    void bench_unknownTarget_isAUsageError() {
        assertEquals(2, Main.run("bench", "no-such-target"));
    }

    @Test
    void benchSimulate_badSizesOrTimeLimit_areUsageErrors() {
        assertEquals(2, Main.run("bench", "simulate", "--sizes", "1000,0"));
        assertEquals(2, Main.run("bench", "simulate", "--sizes", "1000,x"));
        assertEquals(2, Main.run("bench", "simulate", "--time-limit", "soon"));
        assertEquals(2, Main.run("bench", "simulate", "--time-limit", "0s"));
    }

    @Test
    void bench_optionsATargetRefuses_areUsageErrors() {
        assertEquals(2, Main.run("bench", "replication", "--devices", "1", "--quick"));
        assertEquals(2, Main.run("bench", "pairing", "--store", "imap://u@127.0.0.1:1", "--quick"));
    }
}
