package dev.kinbox.actors.muaa;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.CborSerializable;
import dev.kinbox.persistence.DecodingException;
import dev.kinbox.persistence.KinboxCodec;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The Pekko serializer of {@link CborSerializable} values: account events and state snapshots go
 * through the canonical {@link KinboxCodec}, so the bytes the journal and snapshot store keep are
 * exactly the codec's (equal values, equal bytes on every device).
 *
 * <p>The manifest is the codec's persisted type name: the event record's simple name (for example
 * {@code SettingChanged}) or {@link KinboxCodec#SNAPSHOT_TYPE} for an {@link AccountState}. On
 * reading, the payload's own type name must agree with the manifest. Any payload the codec refuses,
 * an unknown manifest or a mismatch fails with {@link NotSerializableException}, as Pekko's
 * contract for {@code fromBinary} asks, and never crashes or hangs (the codec caps its work).
 * Writing anything that is neither an event nor a state is an {@link IllegalArgumentException}.
 *
 * <p>Registered in the actors module's {@code reference.conf} as serializer {@code kinbox-cbor}
 * with identifier {@value #IDENTIFIER}. Thread-safe; Pekko creates it reflectively (no-argument
 * constructor).
 */
public final class KinboxSerializer extends SerializerWithStringManifest {
    /** The serializer identifier stored next to every payload; never change it. */
    public static final int IDENTIFIER = 7_240_001;

    private final KinboxCodec codec = new KinboxCodec();

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof AccountEvent e) return e.getClass().getSimpleName();
        if (o instanceof AccountState) return KinboxCodec.SNAPSHOT_TYPE;
        throw new IllegalArgumentException("not an account event or state: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof AccountEvent e) return codec.encode(e);
        if (o instanceof AccountState s) return codec.encode(s);
        throw new IllegalArgumentException("not an account event or state: " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try {
            if (KinboxCodec.SNAPSHOT_TYPE.equals(manifest)) return codec.decodeState(bytes);
            if (!codec.eventTypeNames().contains(manifest)) {
                throw new NotSerializableException("unknown Kinbox manifest '" + clip(manifest) + "'");
            }
            AccountEvent event = codec.decodeEvent(bytes);
            if (!event.getClass().getSimpleName().equals(manifest)) {
                throw new NotSerializableException("payload is a " + event.getClass().getSimpleName()
                        + " but the manifest says " + manifest);
            }
            return event;
        } catch (DecodingException e) {
            NotSerializableException n = new NotSerializableException("undecodable " + clip(manifest) + ": " + e.getMessage());
            n.initCause(e);
            throw n;
        }
    }

    private static String clip(String s) {
        if (s == null) return "null";
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
