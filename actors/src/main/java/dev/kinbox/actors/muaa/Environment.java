package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import java.time.Duration;

/**
 * What a MUAA needs beyond its {@link Muaa.Settings} to run the device life cycle (bootstrap,
 * announcements, pairing, expiry): the state-backed keyring also handed to the journal, the crypto
 * facade (its clock and random source), the user's pairing approver, the timings and the
 * announcements already verified (the device's own, or shared by the devices of its account that
 * one JVM hosts).
 */
public record Environment(MuaaKeyring keyring, Crypto crypto, PairingApprover approver, Timing timing, VerifiedAnnouncements announcements) {
    public Environment {
        if (keyring == null || crypto == null || approver == null || timing == null || announcements == null) {
            throw new IllegalArgumentException("environment incomplete");
        }
    }

    /** With this device's own {@link VerifiedAnnouncements}. */
    public Environment(MuaaKeyring keyring, Crypto crypto, PairingApprover approver, Timing timing) {
        this(keyring, crypto, approver, timing, VerifiedAnnouncements.forOneAccount());
    }

    /**
     * @param dropPoll       how often the device looks for pairing drops in its folder while the watch
     *                       on it is down or a pairing session of its own is open; 150 times that while
     *                       the watch runs and no session is open, as the watch has the device take
     *                       drops as they come ({@code PairingSessions.WATCHED_POLLS_APART})
     * @param pairingTimeout how long a pairing session may take end to end before it aborts
     * @param expireAfter    a paired device silent for longer is retired by a sibling
     * @param announceEvery  announcements (and {@code DeviceSeenActive}) are refreshed at most this often
     * @param livenessCheck  how often a running device refreshes itself when due, looks for silent
     *                       siblings and retirement notices, and cleans up after retired devices
     */
    public record Timing(Duration dropPoll, Duration pairingTimeout, Duration expireAfter, Duration announceEvery, Duration livenessCheck) {
        public Timing {
            for (Duration d : new Duration[] {dropPoll, pairingTimeout, expireAfter, announceEvery, livenessCheck}) {
                if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("timings must be positive");
            }
        }

        /** As the canonical constructor, checking liveness hourly (or every {@code announceEvery} when that is shorter). */
        public Timing(Duration dropPoll, Duration pairingTimeout, Duration expireAfter, Duration announceEvery) {
            this(dropPoll, pairingTimeout, expireAfter, announceEvery,
                    announceEvery != null && announceEvery.compareTo(Duration.ofHours(1)) < 0 ? announceEvery : Duration.ofHours(1));
        }

        /** Defaults: poll every 2 s (5 min while watching with no pairing open), pairing within 10 min, expiry after 30 days, announce daily, check hourly. */
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofDays(30), Duration.ofDays(1));
        }
    }
}
