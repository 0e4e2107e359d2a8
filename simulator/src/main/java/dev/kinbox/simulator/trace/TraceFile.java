package dev.kinbox.simulator.trace;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The trace file ({@code .kbt}): the 8 bytes {@code KBTRACE\n}, the format version as a 4-byte big-endian
 * integer, then the {@link Trace} as gzip-compressed CBOR. Reading is strict (unknown fields, missing
 * parts and trailing bytes are refused) and bounded ({@link #MAX_BYTES} of CBOR); every failure is a
 * {@link TraceException} that says what is wrong. Writing goes through a temporary file and a move,
 * so a reader never sees half a trace.
 */
public final class TraceFile {
    /** The format this build writes and reads. */
    public static final int VERSION = 10; // 10: the workload records abandonReturns and expireAfterMillis; 9: the workload records abandonsPerDay; 8: the faults record rebuildNewestLost; 7: the faults record rebuildsPerDay; 6: the faults record clockResetsPerDay and the workload editMix; 5: the workload records deviceWeights and rotateKeyOnRemoval; 4: the faults record gossipShare; 3: the workload records both removalsPerDay and the faults (2 had one or the other)
    /**
     * The oldest format still read: version 3, whose faults have no gossip share (it reads as 0), and
     * versions 3 and 4, whose workloads have no device weights and no key rotation (they read as none: uniform, and
     * off); both regenerate their schedules.
     */
    static final int READ_FROM = 3;
    /** Largest decompressed trace read. */
    public static final long MAX_BYTES = 1L << 30;

    private static final byte[] MAGIC = "KBTRACE\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper CBOR = CBORMapper.builder(CBORFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(Integer.MAX_VALUE / 2).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TraceFile() {}

    /** Writes {@code t} to {@code file} (parent directories created). */
    public static void write(Trace t, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(t, out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code t} to {@code out} (not closed). */
    public static void write(Trace t, OutputStream out) throws IOException {
        out.write(MAGIC);
        out.write(new byte[] {0, 0, 0, VERSION});
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        CBOR.writeValue(new NonClosing(gz), t);
        gz.finish();
    }

    /** Reads the trace in {@code file}. */
    public static Trace read(Path file) throws TraceException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new TraceException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a trace from {@code in} (not closed). */
    public static Trace read(InputStream in) throws TraceException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        int version;
        try {
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new TraceException("not a kinbox trace (it does not start with KBTRACE)");
            version = data.readInt();
        } catch (EOFException e) {
            throw new TraceException("not a kinbox trace (shorter than its header)");
        } catch (IOException e) {
            throw new TraceException("cannot read the trace: " + e.getMessage(), e);
        }
        if (version < READ_FROM || version > VERSION) {
            throw new TraceException("trace format version " + version + "; this kinbox reads versions " + READ_FROM + " to " + VERSION);
        }
        try {
            byte[] raw = new Bounded(new GZIPInputStream(data, 1 << 16), MAX_BYTES).readAllBytes();
            if (raw.length == 0) throw new TraceException("the trace is empty");
            Trace t = version == VERSION ? CBOR.readValue(raw, Trace.class) : CBOR.treeToValue(fromOlder(CBOR.readTree(raw), version), Trace.class);
            if (t == null) throw new TraceException("the trace is empty");
            return checked(t);
        } catch (EOFException e) {
            throw new TraceException("the trace is truncated", e);
        } catch (ZipException e) {
            throw new TraceException("the trace is corrupt (compressed data: " + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("end-of-input") || m.contains("Unexpected end")) throw new TraceException("the trace is truncated", e);
            throw new TraceException("the trace is corrupt: " + m.lines().findFirst().orElse(m), e);
        }
    }

    /**
     * An older trace as this version: a version 3 trace's faults get gossip share 0 (gossip mail did not
     * exist), a version 3 or 4 trace's workload no device weights (uniform, the only kind then) and no key rotation, a version 3
     * to 5 trace's faults no clock resets (fixed offsets, the only kind then) and its workload the default edit mix (the only
     * one then), a version 3 to 6 trace's faults no folder rebuilds (there were none), a version 3 to 7 trace's faults
     * rebuilds that lose nothing (the only kind then), a version 3 to 8 trace's workload no abandoned devices (there were none), a version 3 to 9 trace's no returning
     * ones (there were none). Anything
     * else is left to the strict read.
     */
    private static com.fasterxml.jackson.databind.JsonNode fromOlder(com.fasterxml.jackson.databind.JsonNode root, int version) {
        if (root == null) return null;
        com.fasterxml.jackson.databind.JsonNode workload = root.path("workload"), faults = workload.path("faults");
        // each field, the first version that writes it, and what a trace from before it means
        fillBefore(faults, version, 4, "gossipShare", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0));
        fillBefore(faults, version, 6, "clockResetsPerDay", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0));
        fillBefore(faults, version, 7, "rebuildsPerDay", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0));
        fillBefore(faults, version, 8, "rebuildNewestLost", com.fasterxml.jackson.databind.node.IntNode.valueOf(0));
        fillBefore(workload, version, 6, "editMix", CBOR.valueToTree(dev.kinbox.simulator.workload.WorkloadOptions.EditMix.DEFAULT));
        fillBefore(workload, version, 5, "deviceWeights", CBOR.createArrayNode());
        fillBefore(workload, version, 5, "rotateKeyOnRemoval", com.fasterxml.jackson.databind.node.BooleanNode.FALSE);
        fillBefore(workload, version, 9, "abandonsPerDay", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0));
        fillBefore(workload, version, 10, "abandonReturns", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0));
        fillBefore(workload, version, 10, "expireAfterMillis", com.fasterxml.jackson.databind.node.LongNode.valueOf(0));
        return root;
    }

    /** Sets {@code field} of {@code node} to {@code value} when the trace is older than version {@code since} and lacks it. */
    private static void fillBefore(com.fasterxml.jackson.databind.JsonNode node, int version, int since, String field,
                                   com.fasterxml.jackson.databind.JsonNode value) {
        if (version < since && node instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has(field)) o.set(field, value);
    }

    /** Every part present: a decoded trace the replay can walk without null checks. */
    private static Trace checked(Trace t) throws TraceException {
        if (t.workload() == null || t.scheduleDigest() == null || t.store() == null || t.steps() == null || t.accounts() == null
                || t.violations() == null) {
            throw new TraceException("the trace is corrupt: parts missing");
        }
        for (Trace.Account a : t.accounts()) {
            if (a == null || a.accountId() == null || a.devices() == null) throw new TraceException("the trace is corrupt: an account is incomplete");
            for (Trace.Device d : a.devices()) {
                if (d == null || d.deviceId() == null || d.digest() == null || d.journal() == null) {
                    throw new TraceException("the trace is corrupt: a device of " + a.accountId() + " is incomplete");
                }
                for (Trace.Entry e : d.journal()) {
                    if (e == null || e.bytes() == null) throw new TraceException("the trace is corrupt: a journal entry of " + d.deviceId() + " is empty");
                }
            }
        }
        return t;
    }

    /** Fails past {@code max} bytes (a decompression bomb, or garbage that inflates). */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) throw new IOException("trace larger than " + MAX_BYTES + " bytes");
            return b;
        }

        @Override public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && (left -= n) < 0) throw new IOException("trace larger than " + MAX_BYTES + " bytes");
            return n;
        }
    }

    /** Lets Jackson close its generator without closing the gzip stream before {@code finish}. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) { super(out); }

        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override public void close() throws IOException { flush(); }
    }
}
