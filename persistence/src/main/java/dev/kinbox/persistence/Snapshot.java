package dev.kinbox.persistence;

import dev.kinbox.persistence.StateValues.ContactAddress;
import dev.kinbox.persistence.StateValues.ContactFields;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.crdt.CausalContext;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.LwwRegister;
import dev.kinbox.persistence.crdt.ORMap;
import dev.kinbox.persistence.crdt.ORSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import dev.kinbox.persistence.crdt.Ids;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;

/**
 * Schema v1 of the snapshot body: the state as sorted lists of entries, so the encoding is
 * canonical (persistent maps iterate in hash order; lists here are sorted by key).
 */
record Snapshot(List<Vv> vv, List<Dot> cloud, List<Entry<DeviceRecord>> devices, List<Entry<AccountKey>> keys,
                List<Entry<PeerState>> peers, List<Dots<PeerFingerprint>> verified, List<Dots<String>> contacts,
                List<Fields> contactFields, List<Dots<ContactAddress>> contactAddresses,
                List<Entry<LwwRegister<String>>> settings, List<Entry<LwwRegister<MailingList>>> lists,
                List<Entry<LwwRegister<String>>> policies) implements CborSerializable {

    record Vv(String d, long s) {}

    record Entry<V>(String k, V v) {}

    record Dots<E>(E e, List<Dot> d) {}

    record Fields(String k, List<Entry<LwwRegister<String>>> f) {}

    static Snapshot of(AccountState s) {
        List<Vv> vv = new ArrayList<>();
        s.context().versionVector().forEach((k, v) -> vv.add(new Vv(k, v)));
        vv.sort(Comparator.comparing(Vv::d));
        List<Fields> fields = new ArrayList<>();
        s.contacts().values().forEach((k, v) -> fields.add(new Fields(k, entries(v.fields()))));
        fields.sort(Comparator.comparing(Fields::k));
        return new Snapshot(vv, sorted(new ArrayList<>(s.context().cloud())), entries(s.devices()),
                entries(s.accountKeys()), entries(s.peers()), dots(s.verified()), dots(s.contacts().keys()), fields,
                dots(s.contactAddresses()), entries(s.settings()), entries(s.mailingLists()), entries(s.domainPolicies()));
    }

    AccountState toState() {
        Map<String, Long> v = new HashMap<>();
        for (Vv e : list(vv)) if (v.put(e.d, e.s) != null) throw dup("version vector", e.d);
        PMap<String, ContactFields> cf = HashTreePMap.empty();
        for (Fields f : list(contactFields)) {
            if (cf.containsKey(f.k)) throw dup("contact", f.k);
            cf = cf.plus(Events.requireContactId(f.k), new ContactFields(map(f.f, k -> Events.requireKey("field", k))));
        }
        CausalContext cc = CausalContext.of(v, list(cloud));
        AccountState s = new AccountState(cc, map(devices, Ids::requireDeviceId), map(keys, Ids::requireFingerprint),
                map(peers, Snapshot::canonical), set(verified), new ORMap<>(set(contacts), cf), set(contactAddresses),
                map(settings, k -> Events.requireKey("setting key", k)), map(lists, Snapshot::canonical),
                map(policies, k -> {
                    if (!Events.domain(k).equals(k)) throw new IllegalArgumentException("domain not canonical");
                    return k;
                }));
        for (String c : s.contacts().keys().elements()) Events.requireContactId(c);
        covered(cc, s.verified());
        covered(cc, s.contacts().keys());
        covered(cc, s.contactAddresses());
        return s;
    }

    // A dot in a set that the context has not seen would make joins keep what a remove observed.
    private static void covered(CausalContext cc, ORSet<?> set) {
        for (PSet<Dot> dots : set.entries().values()) {
            for (Dot d : dots) if (!cc.contains(d)) throw new IllegalArgumentException("dot " + d + " outside the causal context");
        }
    }

    private static <T> List<T> list(List<T> l) {
        if (l == null) throw new IllegalArgumentException("snapshot section missing");
        return l;
    }

    private static IllegalArgumentException dup(String what, Object key) {
        return new IllegalArgumentException("duplicate " + what + " entry " + key);
    }

    private static String canonical(String address) {
        if (!Ids.canonicalAddress(address).equals(address)) throw new IllegalArgumentException("address not canonical");
        return address;
    }

    private static <V> PMap<String, V> map(List<Entry<V>> l, UnaryOperator<String> checkKey) {
        Map<String, V> m = new HashMap<>();
        for (Entry<V> e : list(l)) {
            if (e == null || e.k == null || e.v == null) throw new IllegalArgumentException("incomplete entry");
            checkKey.apply(e.k);
            if (m.put(e.k, e.v) != null) throw dup("map", e.k);
        }
        return HashTreePMap.from(m);
    }

    private static <E> ORSet<E> set(List<Dots<E>> l) {
        Map<E, PSet<Dot>> m = new HashMap<>();
        for (Dots<E> e : list(l)) {
            if (e == null || e.e == null || e.d == null || e.d.isEmpty()) throw new IllegalArgumentException("incomplete set entry");
            if (e.d.contains(null)) throw new IllegalArgumentException("null dot");
            if (m.put(e.e, HashTreePSet.from(e.d)) != null) throw dup("set", e.e);
        }
        return new ORSet<>(HashTreePMap.from(m));
    }

    private static <V> List<Entry<V>> entries(PMap<String, V> m) {
        List<Entry<V>> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(new Entry<>(k, v)));
        out.sort(Comparator.comparing(Entry::k));
        return out;
    }

    private static <E extends Comparable<? super E>> List<Dots<E>> dots(ORSet<E> s) {
        List<Dots<E>> out = new ArrayList<>();
        s.entries().forEach((e, d) -> out.add(new Dots<>(e, sorted(new ArrayList<>(d)))));
        out.sort(Comparator.comparing(Dots::e));
        return out;
    }

    private static <T extends Comparable<? super T>> List<T> sorted(List<T> l) {
        l.sort(null);
        return l;
    }
}
