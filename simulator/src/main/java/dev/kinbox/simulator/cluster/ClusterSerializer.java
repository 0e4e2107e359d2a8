package dev.kinbox.simulator.cluster;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.workload.Change;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The Pekko serializer of a cluster fleet's messages ({@link Protocol}), plus the {@link Dot}, {@code Fleet.Stopped},
 * {@link StoreMessages} and {@link RetiredReadable} values its replies carry: serializer {@code kinbox-sim-cluster}, identifier
 * {@value #IDENTIFIER}, bound in the simulator's {@code reference.conf}. The project's pattern
 * (as {@code RemailerSerializer}): Jackson CBOR of the records, the manifest is the record's simple
 * name from a fixed list, {@link Change}'s kinds named by a mix-in (so the workload records carry no
 * Jackson annotations), unknown properties refused, actor refs written as Pekko's serialization
 * format and resolved on reading. Chosen over pekko-serialization-jackson because that would bring
 * Jackson's Scala module and lz4 for a handful of records; {@code AccountState}s keep going through
 * the Kinbox codec's own serializer. Bytes that do not decode, or an unknown manifest, fail with
 * {@link NotSerializableException}.
 */
public final class ClusterSerializer extends SerializerWithStringManifest {
    /** Stored next to every payload; never change it. */
    public static final int IDENTIFIER = 7_240_003;
    private static final int MAX_BYTES = 4 << 20;
    private static final Map<String, Class<?>> TYPES = List.<Class<?>>of(Protocol.AccountKeys.class, Protocol.AddAccounts.class,
                    Protocol.Open.class, Protocol.GetStats.class, Protocol.Close.class, Protocol.NodeStats.class, Protocol.Start.class,
                    Protocol.Stop.class, dev.kinbox.simulator.fleet.Fleet.Stopped.class, // the manifest is "Stopped" as it was for the protocol's own record
                    Protocol.Online.class, Protocol.Edit.class, Protocol.GetState.class,
                    Protocol.CountMessages.class, Dot.class, StoreMessages.class,
                    // faults (added later; the ones above are unchanged)
                    Protocol.SetFaults.class, Protocol.GetFaultCounts.class, Protocol.FaultCounts.class, Protocol.Drop.class,
                    Protocol.RestartServer.class,
                    // removal and the key trial (added later; Open gained the expiry and NodeStats the removals then)
                    Protocol.Started.class, Protocol.Remove.class, Protocol.ReadableByRetired.class, RetiredReadable.class,
                    // the nodes' clocks follow the driver's (added later; Open gained held then)
                    Protocol.StartClock.class, Protocol.FreezeClock.class,
                    // a device that learnt it was retired (added later)
                    Protocol.GetRetirement.class,
                    // the hostile provider on the account's node (added later)
                    Protocol.Hostile.class, Protocol.Acted.class, Protocol.GetWithheld.class, Protocol.Withheld.class,
                    // a cluster run's trace (added later)
                    Protocol.GetJournal.class, Protocol.JournalPage.class,
                    // folder rebuilds (added later)
                    Protocol.RebuildFolder.class,
                    // pacing: the nodes' clocks slow with the driver's (added later)
                    Protocol.PaceClock.class,
                    // a leaver's wait for a sibling to read its leave runs after its stop (added later; Stopped lost readBack then)
                    Protocol.ReadBack.class,
                    // the settle's liveness checks at the frozen clock (added later)
                    Protocol.CheckLiveness.class)
            .stream().collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(Change.SetSetting.class), @JsonSubTypes.Type(Change.CreateContact.class),
            @JsonSubTypes.Type(Change.EditContact.class), @JsonSubTypes.Type(Change.IncomingMail.class),
            @JsonSubTypes.Type(Change.GossipMail.class)})
    private interface ChangeMixin {}

    private final ObjectMapper mapper;

    /** Pekko creates it reflectively with its system (the actor refs in messages are resolved against it). */
    @SuppressWarnings({"rawtypes", "unchecked"}) // Jackson registers (de)serializers by raw class
    public ClusterSerializer(ExtendedActorSystem system) {
        ActorRefResolver[] resolver = new ActorRefResolver[1]; // the typed extension is not ready while serializers are made
        SimpleModule refs = new SimpleModule("actor-refs");
        refs.addSerializer(ActorRef.class, new JsonSerializer<>() {
            @Override public void serialize(ActorRef ref, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(resolver(system, resolver).toSerializationFormat(ref));
            }
        });
        refs.addDeserializer(ActorRef.class, new JsonDeserializer<>() {
            @Override public ActorRef<?> deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return resolver(system, resolver).resolveActorRef(p.getValueAsString());
            }
        });
        this.mapper = CBORMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .addMixIn(Change.class, ChangeMixin.class)
                .addModule(refs)
                .build();
    }

    private static ActorRefResolver resolver(ExtendedActorSystem system, ActorRefResolver[] cache) {
        synchronized (cache) {
            if (cache[0] == null) cache[0] = ActorRefResolver.get(Adapter.toTyped(system));
            return cache[0];
        }
    }

    @Override public int identifier() { return IDENTIFIER; }

    @Override public String manifest(Object o) {
        String name = o.getClass().getSimpleName();
        if (TYPES.get(name) != o.getClass()) throw new IllegalArgumentException("not a cluster fleet message: " + o.getClass().getName());
        return name;
    }

    @Override public byte[] toBinary(Object o) {
        manifest(o);
        try {
            return mapper.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + o.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Class<?> type = manifest == null ? null : TYPES.get(manifest);
        if (type == null) throw new NotSerializableException("unknown cluster fleet manifest '" + clip(manifest) + "'");
        if (bytes == null || bytes.length > MAX_BYTES) throw new NotSerializableException(manifest + " missing or over " + MAX_BYTES + " bytes");
        try {
            Object o = mapper.readValue(bytes, type);
            if (o == null) throw new NotSerializableException("empty " + manifest);
            return o;
        } catch (IOException | RuntimeException e) {
            NotSerializableException n = new NotSerializableException("undecodable " + manifest + ": " + clip(e.getMessage()));
            n.initCause(e);
            throw n;
        }
    }

    private static String clip(String s) {
        if (s == null) return "null";
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
