package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The hostile provider's acts ride out a server restart, as the devices' own store work does. */
class HostileLedgerTest {
    @Test void anActWhoseConnectionIsLost_isTriedAgainOnceTheServerIsBack() throws Exception {
        Roster roster = Roster.generate(1, 2, "ledger.test.invalid", Crypto.standard());
        DeviceRef victim = new DeviceRef(0, 0);
        try (AccountStores stores = AccountStores.open("memory", new SecureRandom())) {
            MemoryMailStore store = (MemoryMailStore) stores.provider(0).mailbox();
            String folder = SmaFolders.deviceFolder(roster.device(victim).deviceId());
            store.createFolder(folder);
            HostileLedger ledger = new HostileLedger(roster, stores, Clock.systemUTC());
            store.faults().dropConnections(2, MemoryFaults.DropPoint.BEFORE_APPLY); // the server restarts as the provider acts
            assertTrue(ledger.act(victim, HostileAct.INJECT), "acted once the connection was back");
            assertEquals(1, store.fetch(folder, UidRange.all(), Fetch.HEADERS).size(), "one injected message");
        }
    }
}
