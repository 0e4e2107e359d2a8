package dev.kinbox.actors.embed;

import dev.kinbox.actors.muaa.Environment;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.sma.SmaFolders;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Everything one device of one account needs, given once to {@link Kinbox#start}. Build it with
 * {@link #of} and the {@code with...} methods; the record checks itself, so a bad value fails at
 * construction with {@link IllegalArgumentException} naming the field.
 *
 * @param accountId     the account (usually its mail address); 1-200 characters, no {@code |} or white space
 * @param deviceName    shown to the user on the other devices (announcements, pairing requests)
 * @param stateDir      this device's own directory: its device key ({@code device-key.asc}, owner-only
 *                      permissions) and its local log ({@code log/}, LevelDB); created when missing.
 *                      One directory per device and account; never shared.
 * @param store         the account's mailbox; the application opens and closes it
 * @param approver      asked when another device wants to pair with this one
 * @param timing        drop polling, pairing timeout, expiry, announcement refresh
 * @param snapshotEvery events between snapshots (and folder compactions)
 * @param setupMessage  on the first device of an account only: import the account key from an
 *                      Autocrypt Setup Message instead of generating one
 * @param clock         the only time source (inject a fixed clock in tests)
 */
public record KinboxConfig(String accountId, String deviceName, Path stateDir, MailStore store, PairingApprover approver,
                           Environment.Timing timing, int snapshotEvery, Optional<Muaa.KeyImport> setupMessage, Clock clock) {
    public KinboxConfig {
        require(accountId != null, "accountId");
        try {
            SmaFolders.devicePersistenceId(accountId, "0000000000000000");
        } catch (dev.kinbox.journal.sma.SmaFormatException e) {
            throw new IllegalArgumentException("accountId: " + e.getMessage(), e);
        }
        require(deviceName != null && !deviceName.isBlank() && deviceName.length() <= 100, "deviceName (1-100 characters)");
        require(stateDir != null, "stateDir");
        require(store != null, "store");
        require(approver != null, "approver");
        require(timing != null, "timing");
        require(snapshotEvery > 0, "snapshotEvery (positive)");
        require(setupMessage != null, "setupMessage (use Optional.empty())");
        require(clock != null, "clock");
    }

    /** Defaults: device name "Kinbox device", refuse pairing requests, default timings, a snapshot every 500 events, system clock. */
    public static KinboxConfig of(String accountId, Path stateDir, MailStore store) {
        return new KinboxConfig(accountId, "Kinbox device", stateDir, store, PairingApprover.refuseAll(), Environment.Timing.defaults(),
                500, Optional.empty(), Clock.systemUTC());
    }

    public KinboxConfig withDeviceName(String name) {
        return new KinboxConfig(accountId, name, stateDir, store, approver, timing, snapshotEvery, setupMessage, clock);
    }

    public KinboxConfig withApprover(PairingApprover a) {
        return new KinboxConfig(accountId, deviceName, stateDir, store, a, timing, snapshotEvery, setupMessage, clock);
    }

    public KinboxConfig withTiming(Environment.Timing t) {
        return new KinboxConfig(accountId, deviceName, stateDir, store, approver, t, snapshotEvery, setupMessage, clock);
    }

    public KinboxConfig withSnapshotEvery(int n) {
        return new KinboxConfig(accountId, deviceName, stateDir, store, approver, timing, n, setupMessage, clock);
    }

    public KinboxConfig withSetupMessage(Muaa.KeyImport m) {
        return new KinboxConfig(accountId, deviceName, stateDir, store, approver, timing, snapshotEvery, Optional.of(m), clock);
    }

    public KinboxConfig withClock(Clock c) {
        return new KinboxConfig(accountId, deviceName, stateDir, store, approver, timing, snapshotEvery, setupMessage, c);
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException("KinboxConfig: bad or missing " + what);
    }
}
