package dev.kinbox.journal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.List;

/**
 * CBOR layouts of what the journal stores: one event in the local log ({@link StoredEvent}), the
 * plaintext of a journal entry message ({@link JournalBody}), of a snapshot message
 * ({@link SnapshotBody}) and of a deletion mark ({@link DeletionBody}). Decoding is capped in size and strict (unknown fields are refused);
 * every failure is a {@link JournalException.Malformed}. docs/PROTOCOL.md, "Message kinds and bodies".
 */
final class EntryCodec {
    /** Largest plaintext body decoded. */
    static final int MAX_BODY = 64 << 20;
    /** Version of snapshot and deletion-mark bodies. */
    static final int VERSION = 1;
    /**
     * Version of journal bodies written now: 2, an entry covers {@code from..to} but holds only the
     * author's uploaded events in that range (events persisted local-only are left out). Version 1
     * bodies (every event of the range) are still read.
     */
    static final int JOURNAL_VERSION = 2;

    private static final ObjectMapper CBOR = CBORMapper.builder(CBORFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(MAX_BODY).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private EntryCodec() {}

    /**
     * One persisted event as Pekko serialization made it.
     *
     * @param seq         sequence number
     * @param serializer  Pekko serializer id of the payload
     * @param serManifest the serializer's manifest
     * @param payload     serialized payload
     * @param manifest    the event adapter manifest of the {@code PersistentRepr}
     * @param writerUuid  the writing actor instance
     * @param timestamp   the {@code PersistentRepr} timestamp
     * @param meta        serialized metadata, if any
     * @param batchEnd    last event of its {@code AtomicWrite}
     * @param localOnly     {@code TRUE} for an event persisted with {@link KinboxJournal#LOCAL_ONLY_TAG} (kept in
     *                      the local log, never uploaded); absent (null) otherwise, so uploaded events never carry it
     */
    record StoredEvent(long seq, int serializer, String serManifest, byte[] payload, String manifest, String writerUuid,
                       long timestamp, Meta meta, boolean batchEnd,
                       @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                       Boolean localOnly) {
        @com.fasterxml.jackson.annotation.JsonCreator
        StoredEvent {}

        /** An event to upload. */
        StoredEvent(long seq, int serializer, String serManifest, byte[] payload, String manifest, String writerUuid,
                    long timestamp, Meta meta, boolean batchEnd) {
            this(seq, serializer, serManifest, payload, manifest, writerUuid, timestamp, meta, batchEnd, null);
        }

        /** Whether this event stays in the local log. */
        boolean local() {
            return Boolean.TRUE.equals(localOnly);
        }
    }

    /** Serialized metadata of an event. */
    record Meta(int serializer, String serManifest, byte[] payload) {}

    /** Plaintext of a {@code kind=journal} message: events {@code from..to} of {@code pid}, written by {@code device}. */
    record JournalBody(int v, String pid, String device, long from, long to, List<StoredEvent> events) {}

    /** Plaintext of a {@code kind=snapshot} message. */
    record SnapshotBody(int v, String pid, String device, long seq, long timestamp, int serializer, String serManifest,
                        byte[] payload, Meta meta) {}

    /**
     * Plaintext of a deletion mark ({@code kind=journal; deleted=<n>}): the author deleted its events
     * {@code 1..deleted} of {@code pid}; a restore replays none of them and reports a highest sequence
     * number of at least {@code deleted}.
     */
    record DeletionBody(int v, String pid, String device, long deleted) {}

    static byte[] encode(Object value) {
        try {
            return CBOR.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new JournalException.Malformed("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) throw new JournalException.Malformed("empty " + type.getSimpleName());
        if (bytes.length > MAX_BODY) throw new JournalException.Malformed(type.getSimpleName() + " over " + MAX_BODY + " bytes");
        try {
            T t = CBOR.readValue(bytes, type);
            if (t == null) throw new JournalException.Malformed("null " + type.getSimpleName());
            return t;
        } catch (IOException | RuntimeException e) {
            if (e instanceof JournalException je) throw je;
            throw new JournalException.Malformed("bad " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A decoded journal body that is internally consistent: version 1, consecutive events exactly
     * {@code from..to}; version 2, at least one event, in increasing order, all within {@code from..to}.
     */
    static JournalBody checked(JournalBody b) {
        if (b.v() != 1 && b.v() != JOURNAL_VERSION) throw new JournalException.Malformed("journal body version " + b.v());
        if (b.pid() == null || b.device() == null || b.events() == null || b.events().isEmpty()) {
            throw new JournalException.Malformed("journal body incomplete");
        }
        if (b.from() < 1 || b.to() < b.from()) throw new JournalException.Malformed("journal body events not " + b.from() + ".." + b.to());
        long expect = b.from();
        for (StoredEvent e : b.events()) {
            boolean fits = e != null && e.payload() != null && !e.local() && (b.v() == 1 ? e.seq() == expect : e.seq() >= expect && e.seq() <= b.to());
            if (!fits) throw new JournalException.Malformed("journal body events not " + b.from() + ".." + b.to());
            expect = e.seq() + 1;
        }
        if (b.v() == 1 && expect - 1 != b.to()) throw new JournalException.Malformed("journal body events not " + b.from() + ".." + b.to());
        return b;
    }
}
