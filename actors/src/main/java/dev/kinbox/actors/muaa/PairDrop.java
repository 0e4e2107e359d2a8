package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pairing message left in another device's folder (docs/PROTOCOL.md, "Pairing drops"): header
 * {@code v=1; kind=drop; device=<author>; session=<32 hex>; step=<step>; type=pair}, body as the step
 * defines. The header is unauthenticated; every step's body is checked by the crypto of its path.
 */
record PairDrop(String author, String session, String step, byte[] body) {
    static final Set<String> STEPS = Set.of("request", "reply", "e1", "n12", "e23", "n3", "payload", "ack", "done", "abort");
    static final int MAX_BODY = 1 << 20;
    private static final Pattern SESSION = Pattern.compile("[0-9a-f]{32}");

    PairDrop {
        if (!SESSION.matcher(session).matches()) throw new IllegalArgumentException("session must be 32 lowercase hex digits");
        if (!STEPS.contains(step)) throw new IllegalArgumentException("unknown pairing step " + step);
        body = body.clone();
    }

    @Override public byte[] body() { return body.clone(); }

    SmaHeader header() {
        return SmaHeader.of(SmaHeader.Kind.DROP, author, Map.of("type", "pair", "session", session, "step", step));
    }

    NewMessage toMessage(Clock clock) {
        return SmaMessage.build(header(), body, clock);
    }

    static PairDrop parse(StoredMessage m) throws SmaFormatException {
        SmaHeader h = SmaMessage.header(m);
        if (h.kind() != SmaHeader.Kind.DROP || !"pair".equals(h.attributes().get("type"))) throw new SmaFormatException("not a pairing drop");
        String session = h.require("session");
        String step = h.require("step");
        if (!SESSION.matcher(session).matches() || !STEPS.contains(step)) throw new SmaFormatException("bad pairing session or step");
        return new PairDrop(h.device(), session, step, SmaMessage.body(m, MAX_BODY));
    }

    @Override public String toString() { return "PairDrop[" + author + ", " + session + ", " + step + "]"; }
}
