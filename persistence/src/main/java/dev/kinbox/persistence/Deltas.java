package dev.kinbox.persistence;

import dev.kinbox.persistence.ContactEvent.ContactAddressAdded;
import dev.kinbox.persistence.ContactEvent.ContactAddressRemoved;
import dev.kinbox.persistence.ContactEvent.ContactCreated;
import dev.kinbox.persistence.ContactEvent.ContactFieldChanged;
import dev.kinbox.persistence.ContactEvent.ContactRemoved;
import dev.kinbox.persistence.DeviceEvent.DeviceAnnounced;
import dev.kinbox.persistence.DeviceEvent.DevicePaired;
import dev.kinbox.persistence.DeviceEvent.DeviceRenamed;
import dev.kinbox.persistence.DeviceEvent.DeviceRetired;
import dev.kinbox.persistence.DeviceEvent.DeviceSeenActive;
import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.KeyEvent.AccountKeyRevoked;
import dev.kinbox.persistence.StateValues.ContactAddress;
import dev.kinbox.persistence.StateValues.ContactFields;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerBlockChanged;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerKeyVerified;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.PeerEvent.PeerVerificationWithdrawn;
import dev.kinbox.persistence.SettingsEvent.DomainPolicyChanged;
import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import dev.kinbox.persistence.crdt.CausalContext;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.GMap;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.LwwRegister;
import dev.kinbox.persistence.crdt.ORMap;
import dev.kinbox.persistence.crdt.ORSet;
import java.util.List;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/** The δ-mutators: each event as the small state it joins in. */
final class Deltas {
    private static final AccountState E = AccountState.EMPTY;

    private Deltas() {}

    static boolean removes(AccountEvent e) {
        return e instanceof PeerVerificationWithdrawn || e instanceof ContactRemoved || e instanceof ContactAddressRemoved;
    }

    static AccountState of(AccountEvent event) {
        CausalContext cc = CausalContext.EMPTY.add(event.dot());
        Dot dot = event.dot();
        Hlc t = event.time();
        if (event instanceof DeviceAnnounced e) return devices(cc, e.deviceId(), new DeviceRecord(new LwwRegister<>(t, e.certificate()),
                    new LwwRegister<>(t, e.name()), DeviceStatus.ANNOUNCED, PeerState.NEVER, null));
        if (event instanceof DevicePaired e) return devices(cc, e.deviceId(),
                    new DeviceRecord(null, null, DeviceStatus.PAIRED, PeerState.NEVER, new LwwRegister<>(t, e.pairedBy())));
        if (event instanceof DeviceRenamed e) return devices(cc, e.deviceId(),
                    new DeviceRecord(null, new LwwRegister<>(t, e.name()), DeviceStatus.ANNOUNCED, PeerState.NEVER, null));
        if (event instanceof DeviceSeenActive e) return devices(cc, e.deviceId(),
                    new DeviceRecord(null, null, DeviceStatus.ANNOUNCED, e.activeAt(), null));
        if (event instanceof DeviceRetired e) return devices(cc, e.deviceId(),
                    new DeviceRecord(null, null, DeviceStatus.RETIRED, PeerState.NEVER, null));
        if (event instanceof AccountKeyCreated e) return keys(cc, HashTreePMap.singleton(e.fingerprint(),
                    new AccountKey(e.secretKey(), t, false)));
        if (event instanceof AccountKeyRevoked e) return revoked(cc, e);
        if (event instanceof PeerMailSeen e) return peers(cc, e.address(), new PeerState(e.effectiveDate(), null, null, null));
        if (event instanceof PeerAutocryptSeen e) return peers(cc, e.address(), new PeerState(e.effectiveDate(),
                    new AutocryptKey(e.effectiveDate(), e.fingerprint(), e.keydata(), e.preferEncrypt()), null, null));
        if (event instanceof PeerGossipSeen e) return peers(cc, e.address(), new PeerState(PeerState.NEVER, null,
                    new GossipKey(e.effectiveDate(), e.fingerprint(), e.keydata()), null));
        if (event instanceof PeerBlockChanged e) return peers(cc, e.address(),
                    new PeerState(PeerState.NEVER, null, null, new LwwRegister<>(t, e.blocked())));
        if (event instanceof PeerKeyVerified e) return new AccountState(cc, E.devices(), E.accountKeys(), E.peers(),
                    ORSet.addDelta(new PeerFingerprint(e.address(), e.fingerprint()), dot), E.contacts(),
                    E.contactAddresses(), E.settings(), E.mailingLists(), E.domainPolicies());
        if (event instanceof PeerVerificationWithdrawn e) return new AccountState(observed(cc, e.observed()), E.devices(),
                    E.accountKeys(), E.peers(), ORSet.removeDelta(new PeerFingerprint(e.address(), e.fingerprint())),
                    E.contacts(), E.contactAddresses(), E.settings(), E.mailingLists(), E.domainPolicies());
        if (event instanceof ContactCreated e) return contacts(cc, new ORMap<String, ContactFields>(ORSet.addDelta(e.contactId(), dot), HashTreePMap.empty()));
        if (event instanceof ContactFieldChanged e) return contacts(cc, new ORMap<>(ORSet.empty(), HashTreePMap.singleton(e.contactId(),
                    new ContactFields(HashTreePMap.singleton(e.field(), new LwwRegister<>(t, e.value()))))));
        if (event instanceof ContactRemoved e) return contacts(observed(cc, e.observed()),
                    new ORMap<String, ContactFields>(ORSet.removeDelta(e.contactId()), HashTreePMap.empty()));
        if (event instanceof ContactAddressAdded e) return addresses(cc, ORSet.addDelta(new ContactAddress(e.contactId(), e.address()), dot));
        if (event instanceof ContactAddressRemoved e) return addresses(observed(cc, e.observed()),
                    ORSet.removeDelta(new ContactAddress(e.contactId(), e.address())));
        if (event instanceof SettingChanged e) return lww(cc, HashTreePMap.singleton(e.key(), new LwwRegister<>(t, e.value())),
                    E.mailingLists(), E.domainPolicies());
        // A list's record follows its newest mail, not the newest reading: stamp the register with the
        // mail's date (device and value break ties), so a device that reads an old list mail late cannot
        // replace what another device learnt from a newer one.
        if (event instanceof MailingListSeen e) return lww(cc, E.settings(), HashTreePMap.singleton(e.listAddress(),
                    new LwwRegister<>(new Hlc(e.seenAt(), 0, t.node()),
                            new MailingList(e.recommendation(), e.recipients(), e.seenAt()))), E.domainPolicies());
        if (event instanceof DomainPolicyChanged e) return lww(cc, E.settings(), E.mailingLists(),
                    HashTreePMap.singleton(e.domain(), new LwwRegister<>(t, e.policy())));
        throw new IllegalStateException("unhandled event type " + event.getClass().getName());
    }

    private static CausalContext observed(CausalContext cc, List<Dot> dots) {
        for (Dot d : dots) cc = cc.add(d);
        return cc;
    }

    private static AccountState revoked(CausalContext cc, AccountKeyRevoked e) {
        // A revocation seen before the creation still has to absorb it: a placeholder that any
        // real key outranks (created at the epoch's minimum), already revoked.
        AccountKey placeholder = new AccountKey(dev.kinbox.persistence.crdt.Bytes.of(new byte[0]),
                new Hlc(Long.MIN_VALUE, 0, e.origin()), true);
        return keys(cc, HashTreePMap.singleton(e.fingerprint(), placeholder));
    }

    private static AccountState keys(CausalContext cc, PMap<String, AccountKey> keys) {
        return new AccountState(cc, E.devices(), keys, E.peers(), E.verified(), E.contacts(), E.contactAddresses(),
                E.settings(), E.mailingLists(), E.domainPolicies());
    }

    private static AccountState devices(CausalContext cc, String id, DeviceRecord r) {
        return new AccountState(cc, HashTreePMap.singleton(id, r), E.accountKeys(), E.peers(), E.verified(),
                E.contacts(), E.contactAddresses(), E.settings(), E.mailingLists(), E.domainPolicies());
    }

    private static AccountState peers(CausalContext cc, String address, PeerState p) {
        return new AccountState(cc, E.devices(), E.accountKeys(), HashTreePMap.singleton(address, p), E.verified(),
                E.contacts(), E.contactAddresses(), E.settings(), E.mailingLists(), E.domainPolicies());
    }

    private static AccountState contacts(CausalContext cc, ORMap<String, ContactFields> m) {
        return new AccountState(cc, E.devices(), E.accountKeys(), E.peers(), E.verified(), m, E.contactAddresses(),
                E.settings(), E.mailingLists(), E.domainPolicies());
    }

    private static AccountState addresses(CausalContext cc, ORSet<ContactAddress> s) {
        return new AccountState(cc, E.devices(), E.accountKeys(), E.peers(), E.verified(), E.contacts(), s,
                E.settings(), E.mailingLists(), E.domainPolicies());
    }

    private static AccountState lww(CausalContext cc, PMap<String, LwwRegister<String>> settings,
                                    PMap<String, LwwRegister<MailingList>> lists, PMap<String, LwwRegister<String>> policies) {
        return new AccountState(cc, E.devices(), E.accountKeys(), E.peers(), E.verified(), E.contacts(),
                E.contactAddresses(), settings, lists, policies);
    }
}
