package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.fleet.HostileProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the checks need of a device's state - its digest and whether it holds the hostile provider's
 * marker - from one canonical encoding, remembered per device for as long as the fleet hands back the
 * same state object: a device whose actor has not changed state since the last look answers with
 * the very object it answered with then, so most of a settle's checks encode nothing. A state read
 * from another JVM (a cluster) is a new object each time and is encoded each time. Thread-safe.
 */
final class StateFacts {
    private static final KinboxCodec CODEC = new KinboxCodec();
    private static final byte[] MARKER = HostileProvider.MARKER.getBytes(StandardCharsets.ISO_8859_1);

    /** {@code state}'s SHA-256 digest (hex) of its canonical encoding, and whether that encoding holds the marker. */
    record Facts(AccountState state, String digest, boolean forged) {}

    private final Map<DeviceRef, Facts> last = new ConcurrentHashMap<>();

    Facts of(DeviceRef device, AccountState state) {
        Facts known = last.get(device);
        if (known != null && known.state() == state) return known;
        Facts fresh = of(state);
        last.put(device, fresh);
        return fresh;
    }

    /** Forgets every device no longer in {@code running}, so stopped devices' states are not kept. */
    void retainOnly(java.util.Set<DeviceRef> running) {
        last.keySet().retainAll(running);
    }

    static Facts of(AccountState state) {
        byte[] encoded = CODEC.encode(state);
        try {
            return new Facts(state, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded)), contains(encoded, MARKER));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
