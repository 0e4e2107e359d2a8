package dev.kinbox.persistence;

import dev.kinbox.persistence.ContactEvent.*;
import dev.kinbox.persistence.DeviceEvent.*;
import dev.kinbox.persistence.KeyEvent.*;
import dev.kinbox.persistence.StateValues.ContactAddress;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.PeerEvent.*;
import dev.kinbox.persistence.SettingsEvent.*;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but causally realistic event histories: several devices with wall clocks hours apart each
 * act on their own replica (removes observe what that replica holds) and now and then merge a
 * sibling's replica. Small pools of addresses, keys and ids make conflicts common.
 */
final class Histories {
    static final List<String> DEVICES = List.of("00000000000000a1", "00000000000000b2", "00000000000000c3", "00000000000000d4");
    static final List<String> ADDRESSES = List.of("alice@example.org", "bob@example.org", "carol@example.net");
    static final List<String> FPS = List.of(fp('1'), fp('2'), fp('3'), fp('A'));
    static final List<String> CONTACTS = List.of("c1", "c2", "c3");
    static final long BASE = 1_800_000_000_000L;

    private Histories() {}

    static String fp(char c) {
        return String.valueOf(c).repeat(40);
    }

    static Bytes key(String fp) {
        return Bytes.of(("key-" + fp).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** {@code count} events from {@code devices} devices, as they were made (causal order per device). */
    static List<AccountEvent> generate(Random r, int devices, int count) {
        List<MutableClock> clocks = new ArrayList<>();
        List<HybridClock> hlcs = new ArrayList<>();
        List<AccountState> replicas = new ArrayList<>();
        long[] seq = new long[devices];
        for (int i = 0; i < devices; i++) {
            MutableClock c = new MutableClock(BASE + i * 3L * 3600_000L - r.nextInt(1000)); // hours apart
            clocks.add(c);
            hlcs.add(new HybridClock(c, DEVICES.get(i)));
            replicas.add(AccountState.EMPTY);
        }
        List<AccountEvent> out = new ArrayList<>();
        Hlc[] latest = new Hlc[devices];
        while (out.size() < count) {
            int d = r.nextInt(devices);
            clocks.get(d).advance(r.nextInt(3) - 1); // sometimes backwards
            if (r.nextInt(6) == 0) {
                int o = r.nextInt(devices);
                replicas.set(d, replicas.get(d).join(replicas.get(o)));
                if (latest[o] != null) hlcs.get(d).observe(latest[o]);
                continue;
            }
            Hlc t = hlcs.get(d).now();
            latest[d] = t;
            Dot dot = new Dot(DEVICES.get(d), ++seq[d]);
            AccountEvent e = event(r, dot, t, replicas.get(d), devices);
            replicas.set(d, replicas.get(d).apply(e));
            out.add(e);
        }
        return out;
    }

    private static <T> T pick(Random r, List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    static AccountEvent event(Random r, Dot dot, Hlc t, AccountState local, int devices) {
        String dev = DEVICES.get(r.nextInt(devices));
        String addr = pick(r, ADDRESSES);
        String fp = pick(r, FPS);
        String contact = pick(r, CONTACTS);
        long date = BASE + r.nextInt(5) * 1000L;
        switch (r.nextInt(21)) {
            case 0: return new DeviceAnnounced(dot, t, dev, Bytes.of(new byte[] {(byte) r.nextInt(3)}), "n" + r.nextInt(3));
            case 1: return new DevicePaired(dot, t, dev, dot.deviceId());
            case 2: return new DeviceRenamed(dot, t, dev, "n" + r.nextInt(3));
            case 3: return new DeviceSeenActive(dot, t, dev, date);
            case 4: return r.nextInt(3) == 0 ? new DeviceRetired(dot, t, dev) : new DeviceSeenActive(dot, t, dev, date + 1);
            case 5: return new AccountKeyCreated(dot, t, fp, key(fp));
            case 6: return r.nextInt(2) == 0 ? new AccountKeyRevoked(dot, t, fp) : new AccountKeyCreated(dot, t, fp, key(fp));
            case 7: return new PeerMailSeen(dot, t, addr, date);
            case 8:
            case 9: return new PeerAutocryptSeen(dot, t, addr, date, fp, key(fp),
                    r.nextBoolean() ? PreferEncrypt.MUTUAL : PreferEncrypt.NOPREFERENCE);
            case 10: return new PeerGossipSeen(dot, t, addr, date, fp, key(fp));
            case 11: return new PeerKeyVerified(dot, t, addr, fp);
            case 12: {
                PeerFingerprint pf = new PeerFingerprint(addr, fp);
                return new PeerVerificationWithdrawn(dot, t, addr, fp, new ArrayList<>(local.verified().dots(pf)));
            }
            case 13: return new PeerBlockChanged(dot, t, addr, r.nextBoolean());
            case 14: return new ContactCreated(dot, t, contact);
            case 15: return new ContactFieldChanged(dot, t, contact, r.nextBoolean() ? "name" : "note", "v" + r.nextInt(3));
            case 16: return new ContactRemoved(dot, t, contact, new ArrayList<>(local.contacts().keys().dots(contact)));
            case 17: return new ContactAddressAdded(dot, t, contact, addr);
            case 18: return new ContactAddressRemoved(dot, t, contact, addr,
                    new ArrayList<>(local.contactAddresses().dots(new ContactAddress(contact, addr))));
            case 19: return r.nextBoolean() ? new SettingChanged(dot, t, "k" + r.nextInt(2), "v" + r.nextInt(3))
                    : new DomainPolicyChanged(dot, t, "example.org", "p" + r.nextInt(3));
            default: return new MailingListSeen(dot, t, "list@example.org", "available", "r" + r.nextInt(3), date);
        }
    }

    static AccountState fold(AccountState s, List<AccountEvent> events) {
        for (AccountEvent e : events) s = s.apply(e);
        return s;
    }
}
