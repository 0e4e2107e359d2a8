package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The correspondents whose mail reaches the simulated accounts: {@link Workload#PEERS} peers with
 * {@link Workload#KEY_GENERATIONS} keys each, generated once per run (key generation is slow, so
 * not one per mail). The schedule names peer and key by number; the keys themselves are this run's.
 */
final class PeerMail {
    static final String DOMAIN = "peers.kinbox.invalid";
    private final Crypto crypto;
    private final List<List<OpenPGPKey>> keys = new ArrayList<>();

    PeerMail(Crypto crypto) throws CryptoException {
        this.crypto = crypto;
        for (int p = 0; p < Workload.PEERS; p++) {
            List<OpenPGPKey> gens = new ArrayList<>();
            for (int g = 0; g < Workload.KEY_GENERATIONS; g++) gens.add(crypto.generateKey("<" + address(p) + ">"));
            keys.add(List.copyOf(gens));
        }
    }

    static String address(int peer) { return "peer" + peer + "@" + DOMAIN; }

    /** The fingerprint-bearing key peer {@code peer} uses in generation {@code generation}. */
    OpenPGPKey key(int peer, int generation) { return keys.get(peer).get(generation); }

    /** The raw mail (RFC 5322, CRLF) of {@code m} to {@code to}, dated {@code date}, with the peer's Autocrypt header. */
    byte[] mail(Change.IncomingMail m, String to, Instant date) throws CryptoException {
        if (m.peer() < 0 || m.peer() >= keys.size() || m.keyGeneration() < 0 || m.keyGeneration() >= Workload.KEY_GENERATIONS) {
            throw new IllegalArgumentException("no peer key " + m.peer() + "/" + m.keyGeneration());
        }
        String from = address(m.peer());
        String header = crypto.autocrypt().formatHeader(from, key(m.peer(), m.keyGeneration()).toCertificate(), m.mutual());
        String text = "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC)) + "\r\n"
                + "Subject: hello\r\n"
                + "Autocrypt: " + header.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
                + "\r\n"
                + "hello from " + from + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
