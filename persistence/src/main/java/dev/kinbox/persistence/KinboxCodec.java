package dev.kinbox.persistence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.kinbox.persistence.crdt.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical CBOR codec of events and snapshots (Jackson CBOR over {@link CborSerializable}
 * records). Every payload is a CBOR array {@code [schemaVersion, typeName, body]}; bodies are maps
 * with alphabetically sorted keys and no floating point, so equal values give equal bytes on every
 * device and JVM. Older versions are read through {@link Migration}s; anything else that is not a
 * valid payload becomes a {@link DecodingException} after at most {@link Limits} work. Thread-safe.
 */
public final class KinboxCodec {
    /** Current schema version of every event type. */
    public static final int EVENT_VERSION = 1;
    /** Current schema version of snapshots. */
    public static final int SNAPSHOT_VERSION = 1;
    /** The persisted type name of snapshots. */
    public static final String SNAPSHOT_TYPE = "AccountState";

    /**
     * Size caps applied before any parsing.
     *
     * @param maxEventBytes    largest accepted event payload
     * @param maxSnapshotBytes largest accepted snapshot payload
     * @param maxNesting       deepest accepted CBOR nesting
     */
    public record Limits(int maxEventBytes, int maxSnapshotBytes, int maxNesting) {
        /** 1 MiB events, 256 MiB snapshots, nesting 32. */
        public static final Limits DEFAULT = new Limits(1 << 20, 256 << 20, 32);

        public Limits {
            if (maxEventBytes < 64 || maxSnapshotBytes < 64 || maxNesting < 8) throw new IllegalArgumentException("limits too small");
        }
    }

    private final Limits limits;
    private final int eventVersion;
    private final CBORMapper mapper;
    private final Map<String, Class<? extends AccountEvent>> eventTypes = new HashMap<>();
    private final Map<String, Migration> migrations = new HashMap<>();

    /** The codec with default limits and no migrations (every type is at version 1). */
    public KinboxCodec() {
        this(Limits.DEFAULT, List.of());
    }

    /** A codec with the given caps and migration steps (at most one per type and version). */
    public KinboxCodec(Limits limits, List<Migration> steps) {
        this(limits, steps, EVENT_VERSION);
    }

    // eventVersion: lets tests play a future build whose current event schema is newer.
    KinboxCodec(Limits limits, List<Migration> steps, int eventVersion) {
        this.limits = limits;
        this.eventVersion = eventVersion;
        CBORFactory factory = CBORFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNesting()).maxStringLength(limits.maxSnapshotBytes())
                .maxNumberLength(40).build()).build();
        this.mapper = CBORMapper.builder(factory)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(new SimpleModule("kinbox-text").addDeserializer(String.class, new WellFormedText()))
                .build();
        collect(AccountEvent.class);
        for (Migration m : steps) {
            if (migrations.put(m.type() + "@" + m.fromVersion(), m) != null) {
                throw new IllegalArgumentException("two migrations for " + m.type() + " v" + m.fromVersion());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void collect(Class<?> c) {
        if (c.isRecord()) {
            eventTypes.put(c.getSimpleName(), (Class<? extends AccountEvent>) c);
            return;
        }
        for (Class<?> sub : c.getPermittedSubclasses()) collect(sub);
    }

    /** The persisted type names of all events. */
    public java.util.Set<String> eventTypeNames() {
        return java.util.Collections.unmodifiableSet(eventTypes.keySet());
    }

    /** The canonical encoding of an event. */
    public byte[] encode(AccountEvent event) {
        return write(eventVersion, event.getClass().getSimpleName(), event);
    }

    /** The canonical encoding of a state (a snapshot payload). */
    public byte[] encode(AccountState state) {
        return write(SNAPSHOT_VERSION, SNAPSHOT_TYPE, Snapshot.of(state));
    }

    /** SHA-256 of the canonical encoding: equal states give equal digests everywhere. */
    public byte[] digest(AccountState state) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(encode(state));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Decodes an event, migrating older schema versions. */
    public AccountEvent decodeEvent(byte[] bytes) {
        return read(bytes, limits.maxEventBytes(), false, AccountEvent.class);
    }

    /** Decodes a snapshot payload, migrating older schema versions. */
    public AccountState decodeState(byte[] bytes) {
        Snapshot body = read(bytes, limits.maxSnapshotBytes(), true, Snapshot.class);
        try {
            return body.toState();
        } catch (RuntimeException e) {
            throw new DecodingException("not a valid snapshot: " + clip(e.getMessage()), e);
        }
    }

    private byte[] write(int version, String type, Object body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (CBORGenerator g = (CBORGenerator) mapper.getFactory().createGenerator(out)) {
            g.writeStartArray(null, 3);
            g.writeNumber(version);
            g.writeString(type);
            mapper.writeValue(g, body);
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException("encoding to memory failed", e);
        }
        return out.toByteArray();
    }

    private <T> T read(byte[] bytes, int cap, boolean snapshot, Class<T> want) {
        if (bytes == null) throw new DecodingException("no bytes");
        if (bytes.length > cap) throw new DecodingException("payload of " + bytes.length + " bytes exceeds the cap of " + cap);
        try (JsonParser p = mapper.getFactory().createParser(bytes)) {
            expect(p, JsonToken.START_ARRAY);
            expect(p, JsonToken.VALUE_NUMBER_INT);
            int version = p.getIntValue();
            expect(p, JsonToken.VALUE_STRING);
            String type = p.getText();
            Class<?> target = snapshot ? Snapshot.class : eventTypes.get(type);
            if (snapshot != SNAPSHOT_TYPE.equals(type) || target == null) throw new DecodingException("unknown type '" + clip(type) + "'");
            int current = snapshot ? SNAPSHOT_VERSION : eventVersion;
            if (version < 1 || version > current) throw new DecodingException("unsupported schema version " + version + " of " + type);
            p.nextToken();
            Object body;
            if (version == current) {
                body = mapper.readValue(p, target);
            } else {
                JsonNode tree = mapper.readTree(p);
                if (!(tree instanceof ObjectNode node)) throw new DecodingException(type + " body is not a map");
                for (int v = version; v < current; v++) {
                    Migration m = migrations.get(type + "@" + v);
                    if (m == null) throw new DecodingException("no migration for " + type + " from v" + v);
                    node = m.migrate(node);
                }
                body = mapper.treeToValue(node, target);
            }
            expect(p, JsonToken.END_ARRAY);
            if (p.nextToken() != null) throw new DecodingException("trailing bytes after the payload");
            if (body == null) throw new DecodingException("empty body");
            return want.cast(body);
        } catch (DecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DecodingException("not a valid Kinbox payload: " + clip(String.valueOf(e.getMessage())), e);
        }
    }

    // CBOR text may decode to lone surrogates, which no encoder can write back: refuse them here.
    private static final class WellFormedText extends StdScalarDeserializer<String> {
        WellFormedText() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) return (String) ctxt.handleUnexpectedToken(String.class, p);
            return Ids.requireWellFormed("text", p.getText());
        }
    }

    private static void expect(JsonParser p, JsonToken t) throws IOException {
        JsonToken got = p.nextToken();
        if (got != t) throw new DecodingException("expected " + t + " but found " + got);
    }

    private static String clip(String s) {
        if (s == null) return "null";
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
