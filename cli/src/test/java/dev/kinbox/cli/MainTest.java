package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test void onTwoCores_theCommonPoolGetsTwoThreads_soAsyncCallbacksDoNotEachStartAThread() {
        java.util.Properties p = new java.util.Properties();
        Main.ensureCommonPool(p, 2);
        assertEquals("2", p.getProperty(Main.COMMON_PARALLELISM));
    }

    @Test void onFourCores_orWithTheUsersOwnSetting_theCommonPoolIsLeftAlone() {
        java.util.Properties p = new java.util.Properties();
        Main.ensureCommonPool(p, 4);
        assertEquals(null, p.getProperty(Main.COMMON_PARALLELISM));
        p.setProperty(Main.COMMON_PARALLELISM, "1");
        Main.ensureCommonPool(p, 2);
        assertEquals("1", p.getProperty(Main.COMMON_PARALLELISM));
    }

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
}
