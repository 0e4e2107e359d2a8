package dev.kinbox.actors.muaa;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Announcements (and retirement rolls) verified at earlier reads of an account's announcement folder, by the SHA-256 of
 * the whole message: a device reads the folder at every liveness check and verifies only what
 * changed. One per device by default; the devices of one account hosted in one JVM (a simulator's
 * fleet) may share one, so each announcement is verified once per account instead of once per
 * device (announcement verification was 7.4% of a 1,000-device simulator setup's CPU, each
 * announcement verified by all four devices of its account). Every read keeps only the messages it
 * saw, so it must be shared only by readers of the same folder. Thread-safe.
 */
public final class VerifiedAnnouncements {
    private final Map<String, Announcement> byDigest = new ConcurrentHashMap<>();
    private final Map<String, RetireRoll> rollsByDigest = new ConcurrentHashMap<>();

    private VerifiedAnnouncements() {}

    /** An empty set, for the devices of one account. */
    public static VerifiedAnnouncements forOneAccount() {
        return new VerifiedAnnouncements();
    }

    Map<String, Announcement> byDigest() {
        return byDigest;
    }

    /** The retirement rolls verified with their author's certificate, the same way (a reader uses one only when it trusts the author). */
    Map<String, RetireRoll> rollsByDigest() {
        return rollsByDigest;
    }
}
