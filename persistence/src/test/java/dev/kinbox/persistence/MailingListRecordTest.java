package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import org.junit.jupiter.api.Test;

class MailingListRecordTest {
    private static final String A = Histories.DEVICES.get(0);
    private static final String B = Histories.DEVICES.get(1);
    private static final String LIST = "team@lists.example";

    @Test
    void listRecord_followsTheNewestMail_notTheLatestReading() {
        // A reads the newer list mail early; B reads an older one later (by HLC). The newer mail must win everywhere.
        MailingListSeen newer = new MailingListSeen(new Dot(A, 1), new Hlc(1_000, 0, A), LIST, "mandatory", "3/3", 2_000_000);
        MailingListSeen older = new MailingListSeen(new Dot(B, 1), new Hlc(9_000, 0, B), LIST, "available", "1/3", 1_000_000);
        AccountState onA = AccountState.EMPTY.apply(newer);
        AccountState onB = AccountState.EMPTY.apply(older);
        assertEquals("mandatory", onA.join(onB).mailingLists().get(LIST).value().recommendation());
        assertEquals("mandatory", onB.join(onA).mailingLists().get(LIST).value().recommendation());
        assertEquals("mandatory", onB.apply(newer).mailingLists().get(LIST).value().recommendation());
        assertEquals("mandatory", onA.apply(older).mailingLists().get(LIST).value().recommendation());
    }
}
