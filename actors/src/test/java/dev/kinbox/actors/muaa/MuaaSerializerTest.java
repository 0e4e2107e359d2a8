package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.io.NotSerializableException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kinbox-cbor binding from reference.conf, exercised through Pekko's own serialization. */
class MuaaSerializerTest {
    private static ActorTestKit kit;
    private static Serialization serialization;
    private static final KinboxCodec CODEC = new KinboxCodec();
    private static final AccountEvent EVENT =
            new SettingsEvent.SettingChanged(new Dot("00000000000000a1", 1), new Hlc(1_700_000_000_000L, 0, "00000000000000a1"), "theme", "dark");

    @BeforeAll static void start() {
        kit = ActorTestKit.create("serializer");
        serialization = SerializationExtension.get(kit.system().classicSystem());
    }

    @AfterAll static void stop() {
        kit.shutdownTestKit();
    }

    @Test void referenceConf_bindsEventsAndStates_toKinboxSerializer() {
        assertInstanceOf(KinboxSerializer.class, serialization.findSerializerFor(EVENT));
        assertInstanceOf(KinboxSerializer.class, serialization.findSerializerFor(AccountState.EMPTY.apply(EVENT)));
    }

    @Test void event_roundTripsThroughPekko_withCodecBytesAndTypeNameManifest() throws Exception {
        Serializer s = serialization.findSerializerFor(EVENT);
        byte[] bytes = s.toBinary(EVENT);
        assertArrayEquals(CODEC.encode(EVENT), bytes);
        String manifest = Serializers.manifestFor(s, EVENT);
        assertEquals("SettingChanged", manifest);
        assertEquals(EVENT, serialization.deserialize(bytes, s.identifier(), manifest).get());
    }

    @Test void state_roundTripsThroughPekko_withEqualDigest() {
        AccountState state = AccountState.EMPTY.apply(EVENT);
        Serializer s = serialization.findSerializerFor(state);
        String manifest = Serializers.manifestFor(s, state);
        assertEquals(KinboxCodec.SNAPSHOT_TYPE, manifest);
        AccountState back = (AccountState) serialization.deserialize(s.toBinary(state), s.identifier(), manifest).get();
        assertArrayEquals(CODEC.digest(state), CODEC.digest(back));
    }

    @Test void garbageBytes_failAsNotSerializable() {
        KinboxSerializer s = new KinboxSerializer();
        assertThrows(NotSerializableException.class, () -> s.fromBinary(new byte[] {1, 2, 3}, "SettingChanged"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(new byte[0], KinboxCodec.SNAPSHOT_TYPE));
    }

    @Test void unknownOrMismatchedManifest_failsAsNotSerializable() {
        KinboxSerializer s = new KinboxSerializer();
        byte[] bytes = CODEC.encode(EVENT);
        assertThrows(NotSerializableException.class, () -> s.fromBinary(bytes, "NoSuchEvent"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(bytes, "DomainPolicyChanged"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(bytes, KinboxCodec.SNAPSHOT_TYPE));
    }

    @Test void nonKinboxValue_isRefusedOnWrite() {
        KinboxSerializer s = new KinboxSerializer();
        assertThrows(IllegalArgumentException.class, () -> s.toBinary("text"));
        assertThrows(IllegalArgumentException.class, () -> s.manifest("text"));
    }
}
