package dev.kinbox.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFileTest {
    private static byte[] bytes(Trace t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceFile.write(t, out);
        return out.toByteArray();
    }

    private static TraceException refused(byte[] b) {
        return assertThrows(TraceException.class, () -> TraceFile.read(new ByteArrayInputStream(b)));
    }

    @Test
    void writeThenRead_givesBackEveryPartAndEveryJournalEntry(@TempDir Path dir) throws Exception {
        Trace t = TraceFixtures.trace();
        Path f = dir.resolve("sub/trace.kbt");
        TraceFile.write(t, f);
        Trace back = TraceFile.read(f);
        assertEquals(t.seed(), back.seed());
        assertEquals(t.workload(), back.workload());
        assertEquals(t.steps(), back.steps());
        assertArrayEquals(t.scheduleDigest(), back.scheduleDigest());
        assertEquals(t.store(), back.store());
        assertEquals(2, back.accounts().get(0).devices().size());
        for (int i = 0; i < 2; i++) {
            Trace.Device d = t.accounts().get(0).devices().get(i), e = back.accounts().get(0).devices().get(i);
            assertEquals(d.deviceId(), e.deviceId());
            assertArrayEquals(d.digest(), e.digest());
            assertEquals(Journals.decode(d), Journals.decode(e));
        }
        assertEquals(TraceFixtures.journalA(), Journals.decode(back.accounts().get(0).devices().get(0)));
        assertTrue(TraceCheck.verify(back).ok(), TraceCheck.verify(back).mismatches().toString());
        assertEquals(1, Files.list(f.getParent()).count(), "no temporary file left behind");
    }

    @Test
    void read_refusesAFileThatIsNotATrace() {
        assertTrue(refused("{\"seed\": 1}".getBytes(StandardCharsets.UTF_8)).getMessage().contains("not a kinbox trace"));
        assertTrue(refused(new byte[0]).getMessage().contains("not a kinbox trace"));
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertTrue(refused(garbage).getMessage().contains("not a kinbox trace"));
    }

    @Test
    void read_refusesAnotherFormatVersionByNumber() throws Exception {
        byte[] b = bytes(TraceFixtures.trace());
        // 1: before the faults and removals; 2: either the faults (sim-faults) or removalsPerDay (sim-pairing), never both
        for (int other : new int[] {1, 2, TraceFile.VERSION + 1}) {
            b[11] = (byte) other;
            assertEquals("trace format version " + other + "; this kinbox reads versions 3 to " + TraceFile.VERSION, refused(b).getMessage());
        }
    }

    @Test
    void read_ofAVersion3Trace_givesItsFaultsNoGossip_andItsScheduleStillVerifies() throws Exception {
        // a version 3 trace: faults without gossipShare, written as that version wrote them
        WorkloadOptions o = new WorkloadOptions(1, 2, 3, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000)
                .withFaults(new WorkloadOptions.Faults(4, 0, 40, 0, 3_600_000));
        Schedule s = Workload.generate(9, o);
        // the schedule the build before gossip mail (commit a4034f1) generated for these options and seed
        assertEquals("72daaa8ce8baa8ec459fa6264b16969cfcb4a2884d47579653cebe2f0b895ffc", java.util.HexFormat.of().formatHex(Trace.digestOf(s)));
        Trace t = TraceFixtures.trace();
        Trace v4 = new Trace(9, Trace.Workload.of(o), s.steps().size(), Trace.digestOf(s), t.store(), t.timeScale(), t.steps(), t.accounts(),
                t.violations());
        ObjectNode tree = tree(v4);
        ((ObjectNode) tree.path("workload").path("faults")).remove("gossipShare");

        Trace back = TraceFile.read(new ByteArrayInputStream(file(3, tree)));
        assertEquals(0, back.workload().faults().gossipShare());
        assertEquals(Trace.Workload.of(o), back.workload());
        assertTrue(s.steps().stream().anyMatch(x -> x instanceof Step.Edit e && e.change() instanceof Change.IncomingMail), s.counts().toString());
        assertTrue(TraceCheck.verify(back).mismatches().stream().noneMatch(m -> m.startsWith("schedule:")), TraceCheck.verify(back).mismatches().toString());
    }

    @Test
    void read_ofAVersion4Trace_givesItsWorkloadUniformDeviceCountsAndNoKeyRotation_andAVersion5OneKeepsBoth() throws Exception {
        WorkloadOptions o = new WorkloadOptions(3, 2, 4, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000);
        Trace t = TraceFixtures.trace();
        Trace v4 = new Trace(9, Trace.Workload.of(o), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(), t.accounts(),
                t.violations());
        ObjectNode tree = tree(v4);
        ((ObjectNode) tree.path("workload")).remove("deviceWeights");
        ((ObjectNode) tree.path("workload")).remove("rotateKeyOnRemoval");
        Trace back = TraceFile.read(new ByteArrayInputStream(file(4, tree)));
        assertEquals(java.util.List.of(), back.workload().deviceWeights());
        assertEquals(o, back.workload().options());

        WorkloadOptions weighted = new WorkloadOptions(3, 2, 4, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000, 0,
                WorkloadOptions.Faults.NONE, java.util.List.of(5, 0, 1)).withKeyRotation(true);
        Trace v5 = new Trace(9, Trace.Workload.of(weighted), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertEquals(weighted, TraceFile.read(new ByteArrayInputStream(bytes(v5))).workload().options());
        ObjectNode missing = tree(v5);
        ((ObjectNode) missing.path("workload")).remove("deviceWeights");
        assertTrue(refused(file(TraceFile.VERSION, missing)).getMessage().contains("corrupt"), "a version 5 trace must have them");
    }

    @Test
    void read_ofAVersion5Trace_givesFixedClocksAndTheDefaultEditMix_andAVersion6OneKeepsBoth() throws Exception {
        WorkloadOptions.Faults fixed = new WorkloadOptions.Faults(4, 0, 4, 0, 3_600_000, 0.25);
        WorkloadOptions o = new WorkloadOptions(2, 2, 3, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000).withFaults(fixed);
        Trace t = TraceFixtures.trace();
        ObjectNode v5 = tree(new Trace(9, Trace.Workload.of(o), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations()));
        ((ObjectNode) v5.path("workload").path("faults")).remove("clockResetsPerDay");
        ((ObjectNode) v5.path("workload")).remove("editMix");
        assertEquals(o, TraceFile.read(new ByteArrayInputStream(file(5, v5))).workload().options());
        assertTrue(refused(file(TraceFile.VERSION, v5)).getMessage().contains("corrupt"), "a version 6 trace must have them");

        WorkloadOptions resetting = o.withFaults(fixed.withClockResets(24)).withEditMix(new WorkloadOptions.EditMix(1, 0, 4));
        Trace v6 = new Trace(9, Trace.Workload.of(resetting), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertEquals(resetting, TraceFile.read(new ByteArrayInputStream(bytes(v6))).workload().options());
    }

    @Test
    void read_ofAVersion6Trace_givesNoFolderRebuilds_andAVersion7OneKeepsThem() throws Exception {
        WorkloadOptions.Faults resetting = new WorkloadOptions.Faults(4, 0, 4, 0, 3_600_000, 0.25, 1);
        WorkloadOptions o = new WorkloadOptions(2, 2, 3, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000).withFaults(resetting);
        Trace t = TraceFixtures.trace();
        ObjectNode v6 = tree(new Trace(9, Trace.Workload.of(o), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations()));
        ((ObjectNode) v6.path("workload").path("faults")).remove("rebuildsPerDay");
        assertEquals(o, TraceFile.read(new ByteArrayInputStream(file(6, v6))).workload().options());
        assertTrue(refused(file(TraceFile.VERSION, v6)).getMessage().contains("corrupt"), "a version 7 trace must have them");

        WorkloadOptions rebuilding = o.withFaults(resetting.withRebuilds(3));
        Trace v7 = new Trace(9, Trace.Workload.of(rebuilding), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertEquals(rebuilding, TraceFile.read(new ByteArrayInputStream(bytes(v7))).workload().options());
    }

    @Test
    void read_ofAVersion7Trace_givesRebuildsThatLoseNothing_andAVersion8OneKeepsTheLoss() throws Exception {
        WorkloadOptions.Faults rebuilding = new WorkloadOptions.Faults(4, 0, 4, 0, 3_600_000, 0.25, 1, 3);
        WorkloadOptions o = new WorkloadOptions(2, 2, 3, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000).withFaults(rebuilding);
        Trace t = TraceFixtures.trace();
        ObjectNode v7 = tree(new Trace(9, Trace.Workload.of(o), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations()));
        ((ObjectNode) v7.path("workload").path("faults")).remove("rebuildNewestLost");
        assertEquals(o, TraceFile.read(new ByteArrayInputStream(file(7, v7))).workload().options());
        assertTrue(refused(file(TraceFile.VERSION, v7)).getMessage().contains("corrupt"), "a version 8 trace must have it");

        WorkloadOptions losing = o.withFaults(rebuilding.withRebuildNewestLost(2));
        Trace v8 = new Trace(9, Trace.Workload.of(losing), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertEquals(losing, TraceFile.read(new ByteArrayInputStream(bytes(v8))).workload().options());
    }

    @Test
    void read_ofAVersion8Trace_givesNoAbandonedDevices_andAVersion9OneKeepsThem() throws Exception {
        WorkloadOptions o = new WorkloadOptions(2, 2, 3, Duration.ofHours(6), 100, 1, 1, 1, 1, Duration.ofHours(1), 0, 10_000);
        Trace t = TraceFixtures.trace();
        ObjectNode v8 = tree(new Trace(9, Trace.Workload.of(o), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations()));
        ((ObjectNode) v8.path("workload")).remove("abandonsPerDay");
        assertEquals(o, TraceFile.read(new ByteArrayInputStream(file(8, v8))).workload().options());
        assertTrue(refused(file(TraceFile.VERSION, v8)).getMessage().contains("corrupt"), "a version 9 trace must have it");

        WorkloadOptions abandoning = o.withAbandons(2);
        Trace v9 = new Trace(9, Trace.Workload.of(abandoning), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        ObjectNode v9tree = tree(v9);
        ((ObjectNode) v9tree.path("workload")).remove("abandonReturns");
        ((ObjectNode) v9tree.path("workload")).remove("expireAfterMillis");
        assertEquals(abandoning, TraceFile.read(new ByteArrayInputStream(file(9, v9tree))).workload().options(), "a version 9 trace: no returns");
        assertTrue(refused(file(TraceFile.VERSION, v9tree)).getMessage().contains("corrupt"), "a version 10 trace must have them");

        WorkloadOptions returning = abandoning.withReturns(0.5, Duration.ofHours(20));
        Trace v10 = new Trace(9, Trace.Workload.of(returning), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertEquals(returning, TraceFile.read(new ByteArrayInputStream(bytes(v10))).workload().options());
    }

    private static final CBORMapper CBOR = new CBORMapper();

    /** {@code t} as a CBOR tree, to take fields out as an older version wrote it. */
    private static ObjectNode tree(Trace t) throws Exception {
        return (ObjectNode) CBOR.readTree(CBOR.writeValueAsBytes(t));
    }

    /** A trace file of format {@code version} around {@code tree}. */
    private static byte[] file(int version, ObjectNode tree) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("KBTRACE\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, (byte) version});
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(CBOR.writeValueAsBytes(tree));
        }
        return out.toByteArray();
    }

    @Test
    void read_refusesEveryTruncationOfAValidTrace() throws Exception {
        byte[] b = bytes(TraceFixtures.trace());
        for (int cut = 0; cut < b.length; cut += Math.max(1, b.length / 97)) {
            TraceException e = refused(Arrays.copyOf(b, cut));
            String m = e.getMessage();
            assertTrue(m.contains("truncated") || m.contains("not a kinbox trace") || m.contains("corrupt"), "cut at " + cut + ": " + m);
        }
        assertTrue(refused(Arrays.copyOf(b, b.length - 20)).getMessage().contains("truncated"));
    }

    @Test
    void read_refusesGarbageAfterAValidHeader() throws Exception {
        byte[] b = bytes(TraceFixtures.trace());
        byte[] g = Arrays.copyOf(b, b.length); // header kept, the rest overwritten
        for (int i = 12; i < g.length; i++) g[i] = (byte) (i * 31);
        assertTrue(refused(g).getMessage().contains("corrupt"), refused(g).getMessage());
    }

    @Test
    void read_refusesAValidCompressionOfSomethingElse() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("KBTRACE\n".getBytes(StandardCharsets.US_ASCII));
        out.write(java.nio.ByteBuffer.allocate(4).putInt(TraceFile.VERSION).array());
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(CBOR.writeValueAsBytes(java.util.Map.of("seed", 1)));
        }
        TraceException e = refused(out.toByteArray());
        assertTrue(e.getMessage().startsWith("the trace is corrupt"), e.getMessage());
    }

    @Test
    void verify_reportsADeviceWhoseJournalDoesNotGiveItsRecordedDigest() throws Exception {
        Trace t = TraceFixtures.trace();
        Trace.Device a = t.accounts().get(0).devices().get(0);
        Trace.Device shortened = new Trace.Device(a.slot(), a.deviceId(), true, a.digest(), a.journal().subList(0, 3));
        Trace bad = new Trace(t.seed(), t.workload(), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                java.util.List.of(new Trace.Account(0, "sim0@trace.test.invalid", java.util.List.of(shortened, t.accounts().get(0).devices().get(1)))),
                t.violations());
        TraceCheck.Result r = TraceCheck.verify(bad);
        assertEquals(1, r.mismatches().size(), r.mismatches().toString());
        assertTrue(r.mismatches().get(0).contains(TraceFixtures.A) && r.mismatches().get(0).contains("3 entries"), r.mismatches().get(0));
    }

    @Test
    void verify_reportsAScheduleTheSeedNoLongerGenerates() throws Exception {
        Trace t = TraceFixtures.trace();
        Trace other = new Trace(t.seed() + 1, t.workload(), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                t.accounts(), t.violations());
        assertTrue(TraceCheck.verify(other).mismatches().stream().anyMatch(m -> m.startsWith("schedule:")), TraceCheck.verify(other).mismatches().toString());
    }
}
