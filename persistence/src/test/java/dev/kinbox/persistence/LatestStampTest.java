package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.persistence.ContactEvent.ContactCreated;
import dev.kinbox.persistence.ContactEvent.ContactFieldChanged;
import dev.kinbox.persistence.DeviceEvent.DeviceAnnounced;
import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.PeerEvent.PeerBlockChanged;
import dev.kinbox.persistence.SettingsEvent.DomainPolicyChanged;
import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** {@link AccountState#latestStamp}: the greatest stamp wherever in the state it is kept. */
class LatestStampTest {
    private static final String D = "0123456789abcdef";
    private static final Bytes KEY = Bytes.of(new byte[] {1, 2, 3});

    @Test void anEmptyState_hasNoStamp() {
        assertEquals(Optional.empty(), AccountState.EMPTY.latestStamp());
    }

    @Test void theGreatestStamp_isFoundInEveryPartThatKeepsOne() {
        // each part in turn gets the newest event; the others are older
        List<BiFunction<Dot, Hlc, AccountEvent>> parts = List.of(
                (d, t) -> new SettingChanged(d, t, "theme", "dark"),
                (d, t) -> new DomainPolicyChanged(d, t, "example.com", "encrypt-always"),
                (d, t) -> new ContactFieldChanged(d, t, "c1", "name", "Ada"),
                (d, t) -> new DeviceAnnounced(d, t, D, KEY, "Laptop"),
                (d, t) -> new PeerBlockChanged(d, t, "spam@example.com", true),
                (d, t) -> new AccountKeyCreated(d, t, "0123456789ABCDEF0123456789ABCDEF01234567", KEY));
        for (int newest = 0; newest < parts.size(); newest++) {
            List<AccountEvent> events = new ArrayList<>();
            events.add(new ContactCreated(new Dot(D, 1), stamp(1), "c1"));
            long seq = 2;
            for (int i = 0; i < parts.size(); i++) {
                if (i != newest) events.add(parts.get(i).apply(new Dot(D, seq), stamp(seq)));
                seq++;
            }
            Hlc latest = stamp(1_000);
            events.add(parts.get(newest).apply(new Dot(D, seq), latest));
            assertEquals(Optional.of(latest), Histories.fold(AccountState.EMPTY, events).latestStamp(), "newest in part " + newest);
        }
    }

    private static Hlc stamp(long n) {
        return new Hlc(1_800_000_000_000L + n * 1_000, 0, D);
    }
}
