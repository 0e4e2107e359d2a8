package dev.kinbox.actors.muaa;

/**
 * What one MUAA refused, for tests and monitoring.
 *
 * @param refusedAnnouncements announcements in {@code _Autocrypt_SMA} that did not verify
 * @param malformedDrops       pairing drops in our folder that could not be parsed
 * @param refusedPairings      pairing sessions aborted here, on the existing or the new device (wrong code or QR payload,
 *                             forged, altered or unexpected message, user refusal, timeout)
 */
public record LifecycleStats(long refusedAnnouncements, long malformedDrops, long refusedPairings) {}
