package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import java.util.List;

/**
 * A store whose first full fetch of {@code folder} answers every message blank: what Dovecot returns
 * for a message another session expunged during the FETCH (an empty header block).
 */
final class BlankOnce extends ForwardingMailStore {
    private final String folder;
    private boolean done;

    BlankOnce(MailStore delegate, String folder) {
        super(delegate);
        this.folder = folder;
    }

    @Override public List<StoredMessage> fetch(String f, UidRange range, Fetch what) {
        List<StoredMessage> got = super.fetch(f, range, what);
        if (!f.equals(folder) || what != Fetch.FULL || done) return got;
        done = true;
        return got.stream().map(m -> new StoredMessage(m.uid(), m.flags(), 2, "\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                new byte[0])).toList();
    }

    boolean blanked() {
        return done;
    }
}
