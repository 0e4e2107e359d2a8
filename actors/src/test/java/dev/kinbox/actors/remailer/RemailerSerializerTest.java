package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.persistence.crdt.Hlc;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

class RemailerSerializerTest {
    static final Hlc H = new Hlc(1_700_000_000_000L, 3, "0123456789abcdef");
    static final Instant T = Instant.parse("2026-01-05T08:00:00.123456789Z");

    static List<ListEvent> everyType() {
        ListSettings s = ListSettings.defaults("friends@kinbox.test").withRecommendation(ListSettings.Mode.MANDATORY)
                .withThreshold(new ListSettings.Threshold.AtLeastPercent(40)).withLimits(4096, 3, Duration.ofMinutes(7));
        return List.of(
                new ListEvent.Changed(H, new RosterEvent.SubscriberAdded("a@x.test", T)),
                new ListEvent.Changed(H, new RosterEvent.SubscriberRemoved("a@x.test", T)),
                new ListEvent.Changed(H, new RosterEvent.SubscriberKeyCollected("a@x.test", T, T, null, new byte[] {1, 2, 3}, "AB", true)),
                new ListEvent.Changed(H, new RosterEvent.SubscriberKeySet("a@x.test", T, null, null)),
                new ListEvent.Changed(H, new RosterEvent.FingerprintPinned("a@x.test", T, "CD")),
                new ListEvent.Changed(H, new RosterEvent.ListSettingChanged(s, T)),
                new ListEvent.Changed(H, new RosterEvent.ListSettingChanged(ListSettings.defaults("l@x.test"), T)),
                new ListEvent.Changed(H, new RosterEvent.PostReceived("a@x.test", T)),
                new ListEvent.Changed(H, new RosterEvent.MissedMessageQueued("a@x.test", T, "b@x.test", "<m@x>")),
                new ListEvent.Changed(H, new RosterEvent.MissedDigestSent("a@x.test", T)),
                new ListEvent.PostDone(H, "sha256:00ff"),
                new ListEvent.CopiesSent(H, "sha256:00ff", List.of("DELIVERY a@x.test", "MISSED_NOTICE b@x.test")));
    }

    @Test
    void everyEventType_roundTripsThroughTheBoundSerializer() throws Exception {
        ActorSystem sys = ActorSystem.create("ser", ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        try {
            Serialization ser = SerializationExtension.get(sys);
            for (ListEvent e : everyType()) {
                var s = ser.findSerializerFor(e);
                assertEquals(RemailerSerializer.IDENTIFIER, s.identifier(), e.toString());
                byte[] bytes = s.toBinary(e);
                Object back = ser.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, e)).get();
                if (e instanceof ListEvent.Changed c && c.event() instanceof RosterEvent.SubscriberKeyCollected k) {
                    var kb = (RosterEvent.SubscriberKeyCollected) ((ListEvent.Changed) back).event();
                    assertArrayEquals(k.keydata(), kb.keydata());
                    assertEquals(k.at(), kb.at());
                    assertEquals(k.fingerprint(), kb.fingerprint());
                } else {
                    assertEquals(e, back);
                }
            }
        } finally {
            sys.terminate();
        }
    }

    @Test
    void badBytesOrManifest_areNotSerializable() {
        RemailerSerializer s = new RemailerSerializer();
        assertThrows(NotSerializableException.class, () -> s.fromBinary("junk".getBytes(StandardCharsets.UTF_8), RemailerSerializer.MANIFEST_V1));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(new byte[0], RemailerSerializer.MANIFEST_V1));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(s.toBinary(everyType().get(0)), "ListEvent.v9"));
        byte[] ok = s.toBinary(everyType().get(0));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(java.util.Arrays.copyOf(ok, ok.length - 3), RemailerSerializer.MANIFEST_V1));
        assertThrows(IllegalArgumentException.class, () -> s.toBinary("not an event"));
    }
}
