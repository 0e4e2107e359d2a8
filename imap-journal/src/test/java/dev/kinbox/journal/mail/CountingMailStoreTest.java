package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counting store counts each forwarded call once, in all and under its IMAP command; a watch is not counted. */
class CountingMailStoreTest {
    @Test void eachCall_isCountedOnce_underItsImapCommand() {
        try (MemoryMailStore memory = new MemoryMailStore(); CountingMailStore s = new CountingMailStore(memory, false)) {
            s.createFolder("f");
            s.append("f", List.of(NewMessage.of("Subject: a\r\n\r\nx\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            s.status("f");
            s.status("f");
            long uid = s.fetch("f", UidRange.all(), Fetch.HEADERS).get(0).uid();
            s.delete("f", List.of(uid));
            s.listFolders();
            try (Watch w = s.watch("f", e -> { })) {
                assertEquals(Map.of("APPEND", 1L, "CREATE", 1L, "EXPUNGE", 1L, "FETCH", 1L, "LIST", 1L, "STATUS", 2L), s.operationsByCommand());
                assertEquals(7, s.operations());
            }
        }
    }
}
