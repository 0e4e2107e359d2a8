package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** The expiry rule alone: silent by the state and by the announcement, paired, longer than expireAfter. */
class ExpiryRuleTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final Duration LIMIT = Duration.ofDays(30);
    private static final long NOW = 1_800_000_000_000L;

    private static DeviceRecord device(DeviceStatus status, long lastActive) {
        return new DeviceRecord(null, null, status, lastActive, null);
    }

    @Test void stateBehind_butFreshAnnouncement_isNotExpired() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<d@kinbox.invalid>");
        Announcement fresh = Announcement.of(key, "phone", NOW - 2 * DAY);
        DeviceRecord stale = device(DeviceStatus.PAIRED, NOW - 40 * DAY);
        assertTrue(Liveness.expired(NOW, stale, null, LIMIT), "silent 40 days by the state alone");
        assertFalse(Liveness.expired(NOW, stale, fresh, LIMIT), "the fresh announcement keeps it");
        assertTrue(Liveness.expired(NOW, stale, Announcement.of(key, "phone", NOW - 31 * DAY), LIMIT), "a stale announcement does not");
    }

    @Test void exactlyAtTheLimit_isNotExpired_andOnlyPairedDevicesExpire() {
        assertFalse(Liveness.expired(NOW, device(DeviceStatus.PAIRED, NOW - LIMIT.toMillis()), null, LIMIT));
        assertTrue(Liveness.expired(NOW, device(DeviceStatus.PAIRED, NOW - LIMIT.toMillis() - 1), null, LIMIT));
        assertTrue(Liveness.expired(NOW, device(DeviceStatus.PAIRED, PeerState.NEVER), null, LIMIT), "never seen counts as silent");
        assertFalse(Liveness.expired(NOW, device(DeviceStatus.ANNOUNCED, NOW - 90 * DAY), null, LIMIT), "not paired: not expired");
        assertFalse(Liveness.expired(NOW, device(DeviceStatus.RETIRED, NOW - 90 * DAY), null, LIMIT), "retired already");
    }
}
