package dev.kinbox.persistence;

import dev.kinbox.persistence.StateValues.ContactAddress;
import dev.kinbox.persistence.StateValues.ContactFields;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.crdt.CausalContext;
import dev.kinbox.persistence.crdt.GMap;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Lattice;
import dev.kinbox.persistence.crdt.LwwRegister;
import dev.kinbox.persistence.crdt.ORMap;
import dev.kinbox.persistence.crdt.ORSet;
import java.util.Map;
import java.util.Optional;
import org.pcollections.PMap;

/**
 * The whole synchronised state of one account, a join-semilattice of δ-CRDTs: devices that have
 * seen the same events, in any order, with duplicates or via snapshots, hold equal values (and
 * equal {@link KinboxCodec#digest digests}). Immutable; every map is a persistent map, so
 * {@link #apply} of one event shares all untouched structure with the previous state.
 *
 * @param context          every dot this state has seen (shared by all OR-sets)
 * @param devices          device id -> device record (grow-only map)
 * @param accountKeys      fingerprint -> secret key (grow-only map)
 * @param peers            canonical address -> Autocrypt peer state
 * @param verified         (address, fingerprint) pairs the user verified (OR-set)
 * @param contacts         contact id -> fields (OR-map)
 * @param contactAddresses (contact id, address) pairs (OR-set)
 * @param settings         setting key -> value (LWW map)
 * @param mailingLists     list address -> last recommendation seen (LWW map)
 * @param domainPolicies   domain -> policy (LWW map)
 */
public record AccountState(CausalContext context,
                           PMap<String, DeviceRecord> devices,
                           PMap<String, AccountKey> accountKeys,
                           PMap<String, PeerState> peers,
                           ORSet<PeerFingerprint> verified,
                           ORMap<String, ContactFields> contacts,
                           ORSet<ContactAddress> contactAddresses,
                           PMap<String, LwwRegister<String>> settings,
                           PMap<String, LwwRegister<MailingList>> mailingLists,
                           PMap<String, LwwRegister<String>> domainPolicies) implements Lattice<AccountState> {

    /** The state of an account nothing has happened to. */
    public static final AccountState EMPTY = new AccountState(CausalContext.EMPTY, GMap.empty(), GMap.empty(),
            GMap.empty(), ORSet.empty(), ORMap.empty(), ORSet.empty(), GMap.empty(), GMap.empty(), GMap.empty());

    public AccountState {
        if (context == null || devices == null || accountKeys == null || peers == null || verified == null
                || contacts == null || contactAddresses == null || settings == null || mailingLists == null
                || domainPolicies == null) {
            throw new IllegalArgumentException("account state parts missing");
        }
    }

    /** This state with {@code event} applied: the join with the event's delta. */
    public AccountState apply(AccountEvent event) {
        AccountState delta = Deltas.of(event);
        return merge(delta, !Deltas.removes(event));
    }

    /** The δ-state of one event (what {@link #apply} joins in); for tests and replication. */
    public static AccountState deltaOf(AccountEvent event) {
        return Deltas.of(event);
    }

    /** The least upper bound of two states (e.g. a sibling's snapshot). */
    @Override
    public AccountState join(AccountState other) {
        return merge(other, false);
    }

    /**
     * The current account key: the maximum by (created, fingerprint) among unrevoked keys.
     */
    public Optional<String> currentKeyFingerprint() {
        String best = null;
        AccountKey bestKey = null;
        for (Map.Entry<String, AccountKey> e : accountKeys.entrySet()) {
            AccountKey k = e.getValue();
            if (k.revoked()) continue;
            if (bestKey == null || k.created().compareTo(bestKey.created()) > 0
                    || (k.created().equals(bestKey.created()) && e.getKey().compareTo(best) > 0)) {
                best = e.getKey();
                bestKey = k;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The greatest {@link Hlc} this state keeps (in every last-writer-wins register and account key),
     * empty for a state without one. A device's hybrid clock observes it on recovery, so that what the
     * device writes next outranks what it wrote before even when its wall clock has been set back
     * (docs/ARCHITECTURE.md, the MUAA's recovery).
     */
    public Optional<Hlc> latestStamp() {
        Hlc[] max = {null};
        java.util.function.Consumer<LwwRegister<?>> see = r -> {
            if (r != null && (max[0] == null || r.time().compareTo(max[0]) > 0)) max[0] = r.time();
        };
        settings.values().forEach(see);
        mailingLists.values().forEach(see);
        domainPolicies.values().forEach(see);
        contacts.values().values().forEach(c -> c.fields().values().forEach(see));
        for (DeviceRecord d : devices.values()) {
            see.accept(d.certificate());
            see.accept(d.name());
            see.accept(d.pairedBy());
        }
        peers.values().forEach(p -> see.accept(p.blocked()));
        for (AccountKey k : accountKeys.values()) {
            if (max[0] == null || k.created().compareTo(max[0]) > 0) max[0] = k.created();
        }
        return Optional.ofNullable(max[0]);
    }

    // keyedOrSets: visit only the delta's OR-set elements (valid for add deltas, see ORSet#joinTouched).
    private AccountState merge(AccountState o, boolean keyedOrSets) {
        CausalContext a = context, b = o.context;
        return new AccountState(a.join(b), GMap.join(devices, o.devices), GMap.join(accountKeys, o.accountKeys),
                GMap.join(peers, o.peers),
                keyedOrSets ? verified.joinTouched(o.verified, a, b) : verified.join(o.verified, a, b),
                keyedOrSets ? contacts.joinTouched(o.contacts, a, b) : contacts.join(o.contacts, a, b),
                keyedOrSets ? contactAddresses.joinTouched(o.contactAddresses, a, b)
                        : contactAddresses.join(o.contactAddresses, a, b),
                GMap.join(settings, o.settings), GMap.join(mailingLists, o.mailingLists),
                GMap.join(domainPolicies, o.domainPolicies));
    }
}
