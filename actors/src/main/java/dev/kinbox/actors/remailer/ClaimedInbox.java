package dev.kinbox.actors.remailer;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One pass over a list's inbox when several instances serve it: each post is claimed before it is
 * handled. A claim is two steps, and the post is this instance's only if both succeed: create the
 * post's claim folder with {@link MailStore#createFolderExclusive}, then {@link MailStore#move} the post
 * into it. Every server we support makes at least one of the two exclusive (Dovecot/maildir: CREATE,
 * not MOVE; GreenMail: MOVE, not CREATE; memory: both), so two instances never both hold a post.
 * Handled posts are removed with their claim folder. Not thread-safe: the service calls it under its lock.
 */
final class ClaimedInbox {
    /** Handles one message of a claim folder and deletes it; false stops the pass (the message stays). */
    interface Handler {
        boolean handle(String folder, StoredMessage head);
    }

    private static final System.Logger LOG = System.getLogger(ClaimedInbox.class.getName());
    private final MailStore store;
    private final String inbox;
    private final Claims claims;
    /** Our claim folders, each with the time we made (or renewed) it, by the claims' clock. */
    private final Map<String, Instant> mine = new HashMap<>();

    ClaimedInbox(MailStore store, String inbox, Claims claims) {
        this.store = store;
        this.inbox = inbox;
        this.claims = claims;
    }

    /**
     * Own unfinished claims first, then stale claims (taken over, or deleted when empty), then the
     * inbox, oldest first; returns how many posts were handled (at most about {@code max}).
     */
    int pass(int max, Handler handler, BooleanSupplier closed) {
        Map<String, Claims.Name> present = claims.observe(store.listFolders());
        mine.keySet().retainAll(present.keySet());
        for (String f : claims.unidentified()) { // first sighting: which incarnation of the name (one STATUS each)
            try {
                claims.identify(f, store.status(f).uidValidity());
            } catch (MailStoreException.FolderMissing | MailStoreException.CommandRefused gone) {
                // gone already; the next LIST forgets it
            }
        }
        Map<String, Integer> newestGen = new HashMap<>();
        for (Claims.Name n : present.values()) newestGen.merge(n.message(), n.gen(), Math::max);
        int done = 0;
        for (String f : List.copyOf(mine.keySet())) {
            if (closed.getAsBoolean()) return done;
            String held = f;
            try {
                // a claim whose handling failed earlier (SMTP or the roster) may be near its lease by now: renew it first
                if (!claims.fresh(mine.get(f))) held = renew(f, present.get(f));
                if (held == null) continue;
                if (!drain(held, handler)) return done;
            } catch (MailStoreException.FolderMissing | MailStoreException.CommandRefused gone) {
                // taken over and cleaned up by another instance (Dovecot: NO "Mailbox was deleted under us")
                mine.remove(f);
                if (held != null) mine.remove(held);
                continue;
            }
            done++;
        }
        for (Map.Entry<String, Claims.Name> e : present.entrySet()) {
            String f = e.getKey();
            if (done >= max || closed.getAsBoolean()) return done;
            if (mine.containsKey(f) || !claims.stale(f)) continue;
            List<Long> held;
            try {
                // stale by name only if it is the folder we first saw: one deleted and created again since
                // (its post claimed anew) is a fresh claim, whatever the name's age
                if (!claims.sameIncarnation(f, store.status(f).uidValidity())) continue;
                held = uids(store.fetch(f, UidRange.all(), Fetch.HEADERS));
            } catch (MailStoreException.FolderMissing | MailStoreException.CommandRefused gone) {
                continue; // another instance dealt with it first: not a reason to end the pass
            }
            Claims.Name n = e.getValue();
            if (held.isEmpty()) { // handled and half cleaned up, or a claim that never got its post
                deleteQuietly(f);
                continue;
            }
            // Only the newest generation is taken over, into the next one: every taker then creates the
            // same folder name, so the exclusive create (or the move) picks one of them.
            if (newestGen.get(n.message()) != n.gen()) continue;
            Step step = claimAndDrain(f, held, claims.folder(n.uidValidity(), n.uid(), n.gen() + 1), handler);
            if (step == Step.STOP) return done;
            if (step == Step.HANDLED) done++;
        }
        long validity = store.status(inbox).uidValidity();
        for (StoredMessage m : store.fetch(inbox, UidRange.all(), Fetch.HEADERS)) {
            if (done >= max || closed.getAsBoolean()) break;
            if (newestGen.containsKey(validity + "-" + m.uid())) continue; // claimed; its claim folder is dealt with above
            Step step = claimAndDrain(inbox, List.of(m.uid()), claims.folder(validity, m.uid(), 1), handler);
            if (step == Step.STOP) break;
            if (step == Step.HANDLED) done++;
        }
        return done;
    }

    /** What became of one claim in a pass. */
    private enum Step { HANDLED, PASSED_OVER, STOP }

    // Claims from the inbox or takes over a stale claim folder, then handles the post. A claim folder that
    // vanishes on the way (taken over or cleaned up by another instance) is passed over: the pass goes on.
    private Step claimAndDrain(String from, List<Long> uids, String to, Handler handler) {
        try {
            if (!claim(from, uids, to)) return Step.PASSED_OVER;
            if (!from.equals(inbox)) {
                LOG.log(System.Logger.Level.INFO, "remailer: took over a claim older than " + claims.lease() + ": " + from);
                deleteQuietly(from);
            }
            return drain(to, handler) ? Step.HANDLED : Step.STOP;
        } catch (MailStoreException.FolderMissing gone) {
            LOG.log(System.Logger.Level.INFO, "remailer: " + gone.getMessage() + " while claiming " + to + "; passing over it");
            mine.remove(to);
            return Step.PASSED_OVER;
        }
    }

    // Both steps must succeed. A lost step leaves at most an empty claim folder, deleted once it is stale.
    private boolean claim(String from, List<Long> uids, String to) {
        Instant at = claims.now(); // before the CREATE: nobody can list the folder earlier
        try {
            if (!store.createFolderExclusive(to)) return false;
        } catch (MailStoreException e) {
            LOG.log(System.Logger.Level.INFO, "remailer: claiming " + to + " failed (" + e.getMessage() + "); another instance may have it");
            return false;
        }
        if (store.move(from, uids, to).isEmpty()) return false; // another instance moved it first
        mine.put(to, at);
        return true;
    }

    /**
     * Renews a claim of ours that is no longer {@link Claims#fresh fresh}: moves its post into the next
     * generation exactly as a takeover would (competing with any instance taking it over right now), so
     * the lease starts again for everyone. Returns the new claim folder, or null if the post is no
     * longer ours (taken over, or gone).
     */
    private String renew(String f, Claims.Name n) {
        mine.remove(f);
        List<Long> held = uids(store.fetch(f, UidRange.all(), Fetch.HEADERS));
        if (held.isEmpty()) {
            deleteQuietly(f);
            return null;
        }
        String to = claims.folder(n.uidValidity(), n.uid(), n.gen() + 1);
        if (!claim(f, held, to)) return null;
        LOG.log(System.Logger.Level.INFO, "remailer: renewed claim " + f + " (older than half the lease " + claims.lease() + ") as " + to);
        deleteQuietly(f);
        return to;
    }

    /** What an instance may do with a post in one of its claim folders, checked right before it sends. */
    enum Hold {
        /** Ours, fresh, and the post is still there: send. */
        HELD,
        /** Ours, but older than half the lease: send nothing now; the next pass renews the claim first. */
        AGED,
        /** The post is no longer there (taken over): send nothing, ever. */
        LOST
    }

    /** Whether post {@code uid} of claim folder {@code f} may be sent now (see {@link Hold}). */
    Hold hold(String f, long uid) {
        Instant at = mine.get(f);
        if (at == null) return Hold.LOST;
        try {
            if (store.fetch(f, UidRange.of(uid), Fetch.HEADERS).isEmpty()) return Hold.LOST;
        } catch (MailStoreException.FolderMissing gone) {
            return Hold.LOST;
        }
        return claims.fresh(at) ? Hold.HELD : Hold.AGED;
    }

    private boolean drain(String f, Handler handler) {
        long t0 = System.nanoTime();
        try {
            for (StoredMessage h : store.fetch(f, UidRange.all(), Fetch.HEADERS)) {
                if (!handler.handle(f, h)) return false;
            }
        } finally {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms * 2 > claims.lease().toMillis()) {
                // another instance may take a claim over after the lease: handling near it risks a second delivery
                LOG.log(System.Logger.Level.WARNING, "remailer: handling " + f + " took " + ms + " ms, more than half the claim lease " + claims.lease());
            }
        }
        deleteQuietly(f);
        mine.remove(f);
        return true;
    }

    private void deleteQuietly(String f) {
        try {
            store.deleteFolder(f);
        } catch (MailStoreException.FolderMissing gone) {
            // another instance cleaned it up first
        }
    }

    private static List<Long> uids(List<StoredMessage> ms) {
        return ms.stream().map(StoredMessage::uid).toList();
    }
}
