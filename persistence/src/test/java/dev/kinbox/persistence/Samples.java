package dev.kinbox.persistence;

import dev.kinbox.persistence.ContactEvent.*;
import dev.kinbox.persistence.DeviceEvent.*;
import dev.kinbox.persistence.KeyEvent.*;
import dev.kinbox.persistence.PeerEvent.*;
import dev.kinbox.persistence.SettingsEvent.*;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.List;

/** One fixed, fully populated sample of every event type (the golden files are their encodings). */
final class Samples {
    private static final String D = "0123456789abcdef", P = "fedcba9876543210";
    private static final Dot DOT = new Dot(D, 42);
    private static final Hlc T = new Hlc(1_800_000_000_123L, 3, D);
    private static final String FP = "0123456789ABCDEF0123456789ABCDEF01234567";
    private static final Bytes KEY = Bytes.of(new byte[] {1, 2, 3, (byte) 0xff});

    private Samples() {}

    static List<AccountEvent> all() {
        List<Dot> seen = List.of(new Dot(P, 7), new Dot(D, 40));
        return List.of(
                new DeviceAnnounced(DOT, T, P, KEY, "Laptop"),
                new DevicePaired(DOT, T, P, D),
                new DeviceRenamed(DOT, T, P, "Phone"),
                new DeviceSeenActive(DOT, T, P, 1_800_000_000_000L),
                new DeviceRetired(DOT, T, P),
                new AccountKeyCreated(DOT, T, FP, KEY),
                new AccountKeyRevoked(DOT, T, FP),
                new PeerMailSeen(DOT, T, "alice@example.org", 1_799_999_000_000L),
                new PeerAutocryptSeen(DOT, T, "alice@example.org", 1_799_999_000_000L, FP, KEY, PreferEncrypt.MUTUAL),
                new PeerGossipSeen(DOT, T, "bob@example.org", 1_799_999_000_000L, FP, KEY),
                new PeerKeyVerified(DOT, T, "alice@example.org", FP),
                new PeerVerificationWithdrawn(DOT, T, "alice@example.org", FP, seen),
                new PeerBlockChanged(DOT, T, "spam@example.com", true),
                new ContactCreated(DOT, T, "contact-1"),
                new ContactFieldChanged(DOT, T, "contact-1", "name", "Alice Liddell"),
                new ContactRemoved(DOT, T, "contact-1", seen),
                new ContactAddressAdded(DOT, T, "contact-1", "alice@example.org"),
                new ContactAddressRemoved(DOT, T, "contact-1", "alice@example.org", seen),
                new SettingChanged(DOT, T, "compose.encrypt", "auto"),
                new MailingListSeen(DOT, T, "list@example.org", "available", "all", 1_799_999_000_000L),
                new DomainPolicyChanged(DOT, T, "example.com", "encrypt-always"));
    }

    /** A small state touching every part. */
    static AccountState state() {
        return Histories.fold(AccountState.EMPTY, all());
    }
}
