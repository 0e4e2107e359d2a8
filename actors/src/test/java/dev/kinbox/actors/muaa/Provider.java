package dev.kinbox.actors.muaa;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The mail provider as attacker: it holds the account password, so it reads, appends, alters and
 * expunges any message in the SMA folders, and it has a key of its own ({@link #mallory}). It never
 * has a device key of the account or a pairing secret. On a {@link MemoryMailStore} it uses the
 * store's fault hooks (altering in place keeps the UID); on a real server it does what IMAP allows
 * (APPEND a changed copy, EXPUNGE the original).
 */
final class Provider {
    /** The text the attacker tries to get into the devices' state. */
    static final String PAYLOAD = "PWNED-BY-PROVIDER";
    private static final Crypto CRYPTO = Crypto.standard();
    private static final KinboxCodec CODEC = new KinboxCodec();
    final MailStore store;
    final OpenPGPKey mallory;
    final String malloryId;

    Provider(MailStore store) throws Exception {
        this.store = store;
        this.mallory = CRYPTO.generateKey("<mallory@kinbox.invalid>");
        this.malloryId = Keyring.deviceIdOf(mallory.toCertificate());
    }

    static String folder(String deviceId) throws Exception {
        return SmaFolders.deviceFolder(deviceId);
    }

    /** Stores a message nobody of the account wrote; returns its UID (0 if the server does not say). */
    long inject(String folder, NewMessage m) {
        if (store instanceof MemoryMailStore mem) return mem.faults().inject(folder, m);
        return store.append(folder, m);
    }

    /**
     * The journal entries of {@code deviceId}'s folder, ascending by UID; passing over a message the
     * device expunged while we fetched (Dovecot answers it blank, {@link StoredMessage#vanished}).
     */
    List<StoredMessage> entries(String deviceId) throws Exception {
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m : store.fetch(folder(deviceId), UidRange.all(), Fetch.FULL)) {
            if (m.vanished()) continue;
            SmaHeader h = SmaMessage.header(m);
            if (h.kind() == SmaHeader.Kind.JOURNAL && h.attributes().containsKey("from")) out.add(m);
        }
        return out;
    }

    /** Changes a stored message's bytes: in place on the memory store, else as an APPENDed copy replacing the original. */
    void alter(String folder, StoredMessage m, UnaryOperator<byte[]> change) {
        if (store instanceof MemoryMailStore mem) {
            mem.faults().alter(folder, m.uid(), change);
        } else {
            store.append(folder, NewMessage.of(change.apply(m.raw()), Flag.SEEN));
            store.delete(folder, List.of(m.uid()));
        }
    }

    /** Removes messages silently (withholding). */
    void withhold(String folder, List<Long> uids) {
        if (store instanceof MemoryMailStore mem) uids.forEach(u -> mem.faults().deleteMessage(folder, u));
        else store.delete(folder, uids);
    }

    /** The same bytes stored again under a new UID. */
    long replay(String folder, StoredMessage m) {
        return inject(folder, NewMessage.of(m.raw(), Flag.SEEN));
    }

    /** Flips one base64 character in the middle of the body: the ciphertext no longer opens. */
    static byte[] flipBodyByte(byte[] raw) {
        String s = new String(raw, StandardCharsets.US_ASCII);
        int body = s.indexOf("\r\n\r\n") + 4;
        int i = body + (s.length() - body) / 2;
        while (!Character.isLetterOrDigit(s.charAt(i))) i++;
        char c = s.charAt(i);
        char flipped = c == 'A' ? 'B' : 'A';
        return (s.substring(0, i) + flipped + s.substring(i + 1)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The numeric attribute {@code name} of the message's Autocrypt-SMA header (e.g. an entry's {@code to}). */
    static long attribute(StoredMessage m, String name) {
        java.util.regex.Matcher x = java.util.regex.Pattern.compile(";\\s*" + name + "=(\\d+)")
                .matcher(new String(m.raw(), StandardCharsets.US_ASCII));
        if (!x.find()) throw new AssertionError("no attribute " + name + " in the message");
        return Long.parseLong(x.group(1));
    }

    /** Replaces a header attribute value, e.g. {@code to=7} by {@code to=9}: the body no longer matches the header. */
    static byte[] rewriteHeader(byte[] raw, String from, String to) {
        String s = new String(raw, StandardCharsets.US_ASCII);
        if (!s.contains(from)) throw new AssertionError("no '" + from + "' in the message");
        return s.replace(from, to).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A journal entry in {@code victimId}'s name for its sequence number {@code seq}, well formed in
     * every respect (header, body, pid, encrypted to {@code recipients}) but signed by mallory. Its one
     * event sets {@code shared} to {@link #PAYLOAD} with the victim's next dot and a clock far ahead, so
     * if it were applied it would win.
     */
    NewMessage forgedEntry(String accountId, String victimId, long seq, long dotCounter, List<OpenPGPCertificate> recipients)
            throws Exception {
        String pid = SmaFolders.devicePersistenceId(accountId, victimId);
        var event = new SettingsEvent.SettingChanged(new Dot(victimId, dotCounter),
                new Hlc(System.currentTimeMillis() + 3_600_000L, 0, victimId), "shared", PAYLOAD);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("seq", seq);
        stored.put("serializer", KinboxSerializer.IDENTIFIER);
        stored.put("serManifest", "SettingChanged");
        stored.put("payload", CODEC.encode(event));
        stored.put("manifest", "");
        stored.put("writerUuid", "provider");
        stored.put("timestamp", 0L);
        stored.put("meta", null);
        stored.put("batchEnd", true);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("v", 1);
        body.put("pid", pid);
        body.put("device", victimId);
        body.put("from", seq);
        body.put("to", seq);
        body.put("events", List.of(stored));
        byte[] plain = new CBORMapper().writeValueAsBytes(body);
        byte[] sealed = CRYPTO.encryptAndSign(plain, recipients, List.of(mallory), false);
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, victimId, Map.of("from", Long.toString(seq), "to", Long.toString(seq)));
        return SmaMessage.build(h, sealed, Clock.systemUTC());
    }

    /** Three announcements that must all be refused: unsigned, claiming {@code victimId} with mallory's key, and {@code victim}'s certificate signed by mallory. */
    List<NewMessage> fakeAnnouncements(String victimId, OpenPGPCertificate victim) throws Exception {
        long now = System.currentTimeMillis() + 60_000;
        Announcement claimsVictim = new Announcement(victimId, Announcement.encode(mallory.toCertificate()), "mallory", now);
        Announcement victimsCert = new Announcement(victimId, Announcement.encode(victim), "victim", now + 1);
        String text = "Kinbox-Announce: 1\nDevice: " + victimId + "\nName: dg\nActive: " + (now + 2) + "\nCertificate: "
                + java.util.Base64.getEncoder().encodeToString(Announcement.encode(victim)) + "\n";
        SmaHeader unsignedHeader = SmaHeader.of(SmaHeader.Kind.ANNOUNCE, victimId, Map.of("active", Long.toString(now + 2)));
        return List.of(SmaMessage.build(unsignedHeader, text.getBytes(StandardCharsets.UTF_8), Clock.systemUTC()),
                claimsVictim.toMessage(mallory, CRYPTO, Clock.systemUTC()),
                victimsCert.toMessage(mallory, CRYPTO, Clock.systemUTC()));
    }

    /** Mallory's own, valid announcement: it proves mallory's key exists and grants nothing. */
    NewMessage ownAnnouncement() throws Exception {
        return Announcement.of(mallory, "mallory", System.currentTimeMillis()).toMessage(mallory, CRYPTO, Clock.systemUTC());
    }

    /** Leaves a pairing drop written by mallory in {@code deviceId}'s folder. */
    void drop(String deviceId, String session, String step, byte[] body) throws Exception {
        inject(folder(deviceId), new PairDrop(malloryId, session, step, body).toMessage(Clock.systemUTC()));
    }

    /** Takes the next pairing drop of {@code step} left in mallory's own folder (bounded wait). */
    Optional<PairDrop> takeDrop(String step) throws Exception {
        long deadline = System.nanoTime() + Device.WAIT.toNanos();
        String f = folder(malloryId);
        while (System.nanoTime() < deadline) {
            for (StoredMessage m : store.fetch(f, UidRange.all(), Fetch.FULL)) {
                if (m.vanished()) continue;
                SmaHeader h = SmaMessage.header(m);
                if (h.kind() != SmaHeader.Kind.DROP || !"pair".equals(h.attributes().get("type"))) continue;
                PairDrop d = PairDrop.parse(m);
                if (d.step().equals(step)) {
                    store.delete(f, List.of(m.uid()));
                    return Optional.of(d);
                }
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    /**
     * Asks {@code existing} to pair mallory by short code (a request the user did not make, which the
     * test's user approves anyway), then plays J-PAKE with a guessed code: the existing device's key
     * confirmation fails. Returns the code the existing device showed (the provider never sees it).
     */
    String requestPairingWithoutTheCode(Device existing) throws Exception {
        store.createFolder(folder(malloryId));
        String sid = java.util.HexFormat.of().formatHex(CRYPTO.pairing().newSessionId());
        var body = new PairRequestBody(PairingApprover.PairingMethod.CODE, "mallory", mallory.toCertificate(), null);
        drop(existing.id, sid, "request", body.sign(mallory, CRYPTO));
        String shown = existing.approver.shownCodes.poll(Device.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        if (shown == null) throw new AssertionError("the existing device never showed a code");
        String guess = shown.equals("0123456789") ? "9876543210" : "0123456789";
        var jpake = CRYPTO.pairing().shortCode(dev.kinbox.crypto.Pairing.Role.NEW, guess, java.util.HexFormat.of().parseHex(sid));
        PairDrop e1 = takeDrop("e1").orElseThrow(() -> new AssertionError("no e1 for mallory"));
        drop(existing.id, sid, "n12", Frames.join(jpake.round1(), jpake.round2(e1.body())));
        PairDrop e23 = takeDrop("e23").orElseThrow(() -> new AssertionError("no e23 for mallory"));
        drop(existing.id, sid, "n3", jpake.round3(Frames.split(e23.body(), 2).get(0)));
        return shown;
    }

    /**
     * Answers the QR pairing request a new device left in mallory's folder (the user picked mallory's
     * announcement) with a reply carrying mallory's account key, encrypted to the request's offered key
     * but with a guessed QR secret.
     */
    void replyWithoutTheQrSecret(String newDeviceId) throws Exception {
        PairDrop request = takeDrop("request").orElseThrow(() -> new AssertionError("no request for mallory"));
        PairRequestBody body = PairRequestBody.verify(request.body(), request.author(), CRYPTO);
        byte[] guessed = new byte[16];
        new java.security.SecureRandom().nextBytes(guessed);
        String payload = "KINBOX-PAIR:1:" + Crypto.fingerprint(body.offer()).toUpperCase(java.util.Locale.ROOT) + ":"
                + java.util.HexFormat.of().withUpperCase().formatHex(guessed);
        OpenPGPKey accountKey = CRYPTO.generateKey("<" + ProviderAttacks.ACCOUNT + ">");
        byte[] reply = CRYPTO.pairing().answerQr(CRYPTO.pairing().parseQr(payload), body.offer(), accountKey);
        byte[] snapshot = CRYPTO.encryptAndSign(CODEC.encode(dev.kinbox.persistence.AccountState.EMPTY), List.of(body.offer()),
                List.of(accountKey), false);
        drop(newDeviceId, request.session(), "reply", Frames.join(reply, snapshot));
    }
}
