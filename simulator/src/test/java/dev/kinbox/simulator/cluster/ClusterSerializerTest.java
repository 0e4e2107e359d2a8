package dev.kinbox.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.kinbox.simulator.fleet.RetiredReadable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterSerializerTest {
    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "serializer-test");
        serialization = SerializationExtension.get(system.classicSystem());
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> ActorRef<T> ref() { return (ActorRef) system.deadLetters(); }

    private static Object roundTrip(Object o) throws NotSerializableException {
        Serializer s = serialization.findSerializerFor(o);
        assertEquals(ClusterSerializer.IDENTIFIER, s.identifier(), "serializer bound to " + o.getClass().getSimpleName());
        SerializerWithStringManifest m = (SerializerWithStringManifest) s;
        return m.fromBinary(m.toBinary(o), m.manifest(o));
    }

    @Test
    void everyMessageAndReplyValue_roundTripsThroughTheBoundSerializer() throws Exception {
        List<Object> all = List.of(
                new Protocol.AddAccounts(List.of(new Protocol.AccountKeys(3, "sim3@x.invalid", List.of("-----BEGIN PGP PRIVATE KEY BLOCK-----"))), ref()),
                new Protocol.Open(4, "memory", 50, 2000, 8, 5000, 700, 12_000_000, 1_900_000_000_000L, 3600.0, true, ref()),
                new Protocol.GetStats(ref()), new Protocol.Close(ref()), new Protocol.NodeStats("pekko://kinbox-sim@127.0.0.1:2552", 7, 3, 2, new dev.kinbox.simulator.fleet.JournalRefusals(1, 2, 3, 4, 6, 8, 10, 11, 12), 5, 9),
                new Protocol.Start(2, ref()), new Protocol.Stop(1, dev.kinbox.simulator.fleet.Fleet.Stop.LEAVE, ref()), new dev.kinbox.simulator.fleet.Fleet.Stopped(false, true), new Protocol.ReadBack(1, ref()), new Protocol.Online(0, false),
                new Protocol.Edit(1, new Change.SetSetting("theme", "dark"), ref()), new Protocol.Edit(1, new Change.CreateContact("c7"), ref()),
                new Protocol.Edit(2, new Change.EditContact("c7", "name", "Ada"), ref()), new Protocol.GetState(3, ref()),
                new Protocol.CountMessages(ref()), new Dot("0123456789abcdef", 42), new StoreMessages(10, 2, 1));
        for (Object o : all) assertEquals(o, roundTrip(o));
    }

    @Test
    void faultMessagesAndIncomingMailEdits_roundTripThroughTheBoundSerializer() throws Exception {
        List<Object> all = List.of(
                new Protocol.SetFaults(-7L, new WorkloadOptions.Faults(4, 0.5, 4, 5, 3_600_000L, 0.25),
                        List.of(List.of("-----BEGIN PGP PRIVATE KEY BLOCK-----a", "b"), List.of("c", "d")), ref()),
                new Protocol.SetFaults(1L, new WorkloadOptions.Faults(1, 0, 0, 0, 0), List.of(), ref()),
                new Protocol.GetFaultCounts(ref()),
                new Protocol.FaultCounts("pekko://kinbox-sim@127.0.0.1:2552", 12, 3, 40, new GossipCounts(9, 6, 1, 1, 1)),
                new Protocol.SetFaults(2L, new WorkloadOptions.Faults(0, 1, 0, 0, 0, 0, 1, 6), List.of(), ref()),
                new Protocol.Drop(2, ref()), new Protocol.RestartServer(ref()), new Protocol.RebuildFolder(3, ref()),
                new Protocol.Edit(0, new Change.IncomingMail(3, 1, true), ref()),
                new Protocol.Edit(1, new Change.GossipMail(2, 0, false, List.of(new Change.GossipMail.Recipient(0, 1),
                        new Change.GossipMail.Recipient(3, 0)), Change.GossipMail.Damage.MALFORMED), ref()));
        for (Object o : all) assertEquals(o, roundTrip(o));
    }

    @Test
    void removalMessagesAndReplies_roundTripThroughTheBoundSerializer() throws Exception {
        List<Object> all = List.of(new Protocol.Remove(0, 2, ref()), new Protocol.ReadableByRetired(1, 3, ref()),
                new Protocol.Started(Protocol.Started.Outcome.RUNNING, ""),
                new Protocol.Started(Protocol.Started.Outcome.RETIRED, "a1/d2 found itself retired at its start: removed"),
                new Protocol.Started(Protocol.Started.Outcome.NO_PARTNER, "a1/d3 found no device of its account to pair with: a1/d0 refused, retired"),
                new RetiredReadable(17, 4, 0), new RetiredReadable(-1, 0, 0));
        for (Object o : all) assertEquals(o, roundTrip(o));
    }

    @Test
    void hostileProviderMessagesAndReplies_roundTripThroughTheBoundSerializer() throws Exception {
        List<Object> all = new java.util.ArrayList<>(List.of(new Protocol.GetWithheld(ref()), new Protocol.Withheld("pekko://kinbox-sim@127.0.0.1:2552",
                List.of(new dev.kinbox.persistence.crdt.Dot("0123456789abcdef", 7), new dev.kinbox.persistence.crdt.Dot("fedcba9876543210", 1)),
                List.of(new dev.kinbox.persistence.crdt.Dot("0123456789abcdef", 9))),
                new Protocol.Withheld("pekko://kinbox-sim@127.0.0.1:2553", List.of(), List.of()), new Protocol.Acted(true), new Protocol.Acted(false)));
        for (dev.kinbox.simulator.workload.HostileAct act : dev.kinbox.simulator.workload.HostileAct.values()) all.add(new Protocol.Hostile(2, act, ref()));
        for (Object o : all) assertEquals(o, roundTrip(o));
    }

    @Test
    void clockMessages_roundTrip_andAnOpenWithoutTheClockHeld_isNotSerializable() throws Exception {
        List<Object> all = List.of(new Protocol.StartClock(ref()), new Protocol.FreezeClock(1_900_000_123_456L, ref()), new Protocol.PaceClock(1_900_000_123_456L, 0.0625, ref()),
                new Protocol.Open(1, "greenmail", 50, 2000, 8, 5000, 700, 12_000_000, 1_900_000_000_000L, 1800.0, false, ref()));
        for (Object o : all) assertEquals(o, roundTrip(o));
        // an Open from a build before the nodes' clocks followed the driver's: refused, not read as a running clock
        ClusterSerializer s = (ClusterSerializer) serialization.serializerFor(Protocol.Open.class);
        String ref = ActorRefResolver.get(system).toSerializationFormat(ref());
        Map<String, Object> older = new java.util.HashMap<>(Map.of("accounts", 1, "store", "memory", "snapshotEvery", 50, "sweepMillis", 2000,
                "blockingThreads", 8, "livenessMillis", 5000, "dropPollMillis", 700, "expireAfterMillis", 12_000_000,
                "simulatedNowMillis", 1_900_000_000_000L, "scale", 3600.0));
        older.put("replyTo", ref);
        byte[] bytes = new CBORMapper().writeValueAsBytes(older);
        assertThrows(NotSerializableException.class, () -> s.fromBinary(bytes, "Open"));
        older.put("held", true);
        assertEquals(new Protocol.Open(1, "memory", 50, 2000, 8, 5000, 700, 12_000_000, 1_900_000_000_000L, 3600.0, true, ref()),
                s.fromBinary(new CBORMapper().writeValueAsBytes(older), "Open"), "the same encoding with the clock held decodes");
        byte[] noInstant = new CBORMapper().writeValueAsBytes(Map.of("replyTo", ref));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(noInstant, "FreezeClock"), "a freeze without its instant");
    }

    @Test
    void fromBinary_ofMalformedRemovalMessages_isNotSerializable() throws Exception {
        ClusterSerializer s = (ClusterSerializer) serialization.serializerFor(Protocol.Remove.class);
        String ref = ActorRefResolver.get(system).toSerializationFormat(ref());
        Map<String, Map<String, Object>> malformed = Map.of(
                "Remove", Map.of("bySlot", 1, "targetSlot", 1, "replyTo", ref), // a device removing itself
                "ReadableByRetired", Map.of("writerSlot", 1, "retiredSlot", -2, "replyTo", ref),
                "Started", Map.of("retired", true, "reason", ""), // retired without a reason
                "RetiredReadable", Map.of("retiredAt", 5, "checked", 0, "readable", 1));
        for (var m : malformed.entrySet()) {
            byte[] bytes = new CBORMapper().writeValueAsBytes(m.getValue());
            assertThrows(NotSerializableException.class, () -> s.fromBinary(bytes, m.getKey()), m.getKey() + " " + m.getValue());
        }
        byte[] valid = new CBORMapper().writeValueAsBytes(Map.of("bySlot", 0, "targetSlot", 1, "replyTo", ref));
        assertEquals(new Protocol.Remove(0, 1, ref()), s.fromBinary(valid, "Remove"), "the same encoding with valid values decodes");
        byte[] missing = new CBORMapper().writeValueAsBytes(Map.of("retiredAt", 5, "checked", 1));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(missing, "RetiredReadable"), "a missing count");
        assertThrows(NotSerializableException.class, () -> s.fromBinary(s.toBinary(new Dot("0123456789abcdef", 1)), "RetiredReadable"));
    }

    @Test
    void fromBinary_ofGarbageAnUnknownManifestOrAnInvalidValue_isNotSerializable() throws Exception {
        ClusterSerializer s = (ClusterSerializer) serialization.serializerFor(Protocol.Start.class);
        assertThrows(NotSerializableException.class, () -> s.fromBinary("not cbor".getBytes(StandardCharsets.UTF_8), "Start"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(s.toBinary(new dev.kinbox.simulator.fleet.Fleet.Stopped(true, false)), "Runtime"));
        assertThrows(NotSerializableException.class, () -> s.fromBinary(s.toBinary(new dev.kinbox.simulator.fleet.Fleet.Stopped(true, false)), (String) null));
        byte[] badDot = s.toBinary(new StoreMessages(1, 2, 3)); // a map without deviceId/seq: not a Dot
        assertThrows(NotSerializableException.class, () -> s.fromBinary(badDot, "Dot"));
    }

    @Test
    void manifest_ofAValueThatIsNotAClusterMessage_isRefused() throws Exception {
        ClusterSerializer s = (ClusterSerializer) serialization.serializerFor(Protocol.Start.class);
        assertThrows(IllegalArgumentException.class, () -> s.toBinary("a string"));
    }

    @Test
    void journalPages_roundTripWithEveryEntrysBytes() throws Exception {
        assertEquals(new Protocol.GetJournal(2, 40, ref()), roundTrip(new Protocol.GetJournal(2, 40, ref())));
        Protocol.JournalPage page = new Protocol.JournalPage(List.of(new Trace.Entry(41, false, new byte[] {1, 2, 3}),
                new Trace.Entry(43, true, new byte[] {(byte) 0xff})), true);
        Protocol.JournalPage back = (Protocol.JournalPage) roundTrip(page);
        assertTrue(back.more());
        assertEquals(page.entries().size(), back.entries().size());
        for (int i = 0; i < page.entries().size(); i++) {
            assertEquals(page.entries().get(i).seq(), back.entries().get(i).seq());
            assertEquals(page.entries().get(i).merged(), back.entries().get(i).merged());
            assertArrayEquals(page.entries().get(i).bytes(), back.entries().get(i).bytes());
        }
    }
}
