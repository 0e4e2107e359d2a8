package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;

/**
 * Everything that can happen to an {@link AccountState}: a δ-mutation named in the past tense,
 * carrying its {@link Dot} (origin device, sequence number) and hybrid-logical-clock time.
 * Applying one is a join ({@link AccountState#apply}), so duplicates and any delivery order are
 * harmless. Persisted names never change; schema changes go through {@link KinboxCodec} migrations.
 */
public sealed interface AccountEvent extends CborSerializable
        permits DeviceEvent, KeyEvent, PeerEvent, ContactEvent, SettingsEvent {
    /** The event's unique name: origin device and its sequence number. */
    Dot dot();

    /** When the origin made it (its HLC; {@code time().node()} is the origin). */
    Hlc time();

    /** The device that made the event. */
    default String origin() {
        return dot().deviceId();
    }
}
