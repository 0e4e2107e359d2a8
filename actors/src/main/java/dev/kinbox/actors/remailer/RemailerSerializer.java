package dev.kinbox.actors.remailer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The Pekko serializer of {@link ListEvent}s (serializer {@code kinbox-remailer}, identifier
 * {@value #IDENTIFIER}, bound in the actors module's {@code reference.conf}): Jackson CBOR of the
 * records, event types named by their simple name in a {@code type} property (mix-ins, so the domain
 * records carry no Jackson annotations), times as ISO-8601 strings, unknown properties refused.
 * The manifest is {@value #MANIFEST_V1}; bytes that do not decode, or another manifest, fail with
 * {@link NotSerializableException}. Persisted names never change: evolve with a new manifest.
 */
public final class RemailerSerializer extends SerializerWithStringManifest {
    /** Stored next to every payload; never change it. */
    public static final int IDENTIFIER = 7_240_002;
    /** Version 1 of the {@link ListEvent} encoding. */
    public static final String MANIFEST_V1 = "ListEvent.v1";
    private static final int MAX_BYTES = 1 << 20;

    static final ObjectMapper MAPPER = CBORMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addMixIn(ListEvent.class, ListEventMixin.class)
            .addMixIn(RosterEvent.class, RosterEventMixin.class)
            .addMixIn(ListSettings.Threshold.class, ThresholdMixin.class)
            .build();

    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(ListEvent.Changed.class), @JsonSubTypes.Type(ListEvent.PostDone.class),
            @JsonSubTypes.Type(ListEvent.CopiesSent.class)})
    private interface ListEventMixin {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(RosterEvent.SubscriberAdded.class), @JsonSubTypes.Type(RosterEvent.SubscriberRemoved.class),
            @JsonSubTypes.Type(RosterEvent.SubscriberKeyCollected.class), @JsonSubTypes.Type(RosterEvent.SubscriberKeySet.class),
            @JsonSubTypes.Type(RosterEvent.FingerprintPinned.class), @JsonSubTypes.Type(RosterEvent.ListSettingChanged.class),
            @JsonSubTypes.Type(RosterEvent.PostReceived.class), @JsonSubTypes.Type(RosterEvent.MissedMessageQueued.class),
            @JsonSubTypes.Type(RosterEvent.MissedDigestSent.class)})
    private interface RosterEventMixin {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(ListSettings.Threshold.Majority.class), @JsonSubTypes.Type(ListSettings.Threshold.AtLeastPercent.class)})
    private interface ThresholdMixin {}

    @Override public int identifier() {
        return IDENTIFIER;
    }

    @Override public String manifest(Object o) {
        if (o instanceof ListEvent) return MANIFEST_V1;
        throw new IllegalArgumentException("not a remailer event: " + o.getClass().getName());
    }

    @Override public byte[] toBinary(Object o) {
        if (!(o instanceof ListEvent e)) throw new IllegalArgumentException("not a remailer event: " + o.getClass().getName());
        try {
            return MAPPER.writerFor(ListEvent.class).writeValueAsBytes(e);
        } catch (IOException x) {
            throw new IllegalArgumentException("cannot encode " + e.getClass().getSimpleName() + ": " + x.getMessage(), x);
        }
    }

    @Override public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!MANIFEST_V1.equals(manifest)) throw new NotSerializableException("unknown remailer manifest '" + ListMail.clip(manifest) + "'");
        if (bytes == null || bytes.length > MAX_BYTES) throw new NotSerializableException("remailer event missing or over " + MAX_BYTES + " bytes");
        try {
            ListEvent e = MAPPER.readValue(bytes, ListEvent.class);
            if (e == null) throw new NotSerializableException("empty remailer event");
            return e;
        } catch (IOException | RuntimeException x) {
            NotSerializableException n = new NotSerializableException("undecodable remailer event: " + ListMail.clip(x.getMessage()));
            n.initCause(x);
            throw n;
        }
    }
}
