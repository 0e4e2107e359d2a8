package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.Meta;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.Option;

/** Pekko serialization of persistent payloads, metadata and snapshots to and from {@link StoredEvent}. */
final class PayloadSerde {
    private final Serialization serialization;

    PayloadSerde(ActorSystem system) {
        this.serialization = SerializationExtension.get(system);
    }

    /** A serialized object: serializer id, manifest, bytes. */
    record Serialized(int serializer, String manifest, byte[] bytes) {}

    /** Serializes with the bound serializer; throws (NotSerializableException etc.) if there is none. */
    Serialized serialize(Object o) throws Exception {
        Serializer s = serialization.findSerializerFor(o);
        String manifest = Serializers.manifestFor(s, o);
        return new Serialized(s.identifier(), manifest, s.toBinary(o));
    }

    Object deserialize(int serializer, String manifest, byte[] bytes) {
        try {
            return serialization.deserialize(bytes, serializer, manifest).get();
        } catch (RuntimeException e) {
            throw new JournalException.Malformed("cannot deserialize (serializer " + serializer + ", manifest '" + manifest + "'): " + e.getMessage(), e);
        }
    }

    StoredEvent toStored(PersistentRepr p, boolean batchEnd) throws Exception {
        Object event = p.payload();
        Boolean local = null;
        if (event instanceof org.apache.pekko.persistence.journal.Tagged t) { // EventSourcedBehavior.tagsFor
            if (t.tags().contains(KinboxJournal.LOCAL_ONLY_TAG)) local = Boolean.TRUE;
            event = t.payload();
        }
        Serialized payload = serialize(event);
        Meta meta = null;
        if (p.metadata().isDefined()) {
            Serialized m = serialize(p.metadata().get());
            meta = new Meta(m.serializer(), m.manifest(), m.bytes());
        }
        return new StoredEvent(p.sequenceNr(), payload.serializer(), payload.manifest(), payload.bytes(), p.manifest(),
                p.writerUuid(), p.timestamp(), meta, batchEnd, local);
    }

    PersistentRepr toRepr(String persistenceId, StoredEvent e) {
        Object payload = deserialize(e.serializer(), e.serManifest(), e.payload());
        PersistentRepr r = PersistentRepr.apply(payload, e.seq(), persistenceId, e.manifest() == null ? "" : e.manifest(),
                false, ActorRef.noSender(), e.writerUuid() == null ? "" : e.writerUuid()).withTimestamp(e.timestamp());
        if (e.meta() != null) {
            r = r.withMetadata(deserialize(e.meta().serializer(), e.meta().serManifest(), e.meta().payload()));
        }
        return r;
    }

    static <T> Option<T> none() {
        return Option.empty();
    }
}
