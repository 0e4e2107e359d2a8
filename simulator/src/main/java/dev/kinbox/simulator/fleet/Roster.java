package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.Keyring;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The accounts of a run and every device slot each may use, with a real device key per slot (made up
 * front, so a run spends no key generation on joins and the simulator can try every key). Slots are
 * not paired here: a fleet pairs each newcomer with a sibling through the MUAA ({@link HostedFleet}).
 */
public record Roster(List<Account> accounts) {
    /** One account: its id and its device pool, slot by slot. */
    public record Account(String accountId, List<Device> devices) {
        public Account { devices = List.copyOf(devices); }
    }

    /** One device slot: id (from its key's certificate) and key. */
    public record Device(String deviceId, OpenPGPKey key) {}

    public Roster { accounts = List.copyOf(accounts); }

    /**
     * Generates {@code slots} device keys for each of {@code accounts} accounts named {@code sim<n>@<domain>},
     * accounts on all cores (key generation is the slow part of a large fleet's setup: 150,000 keys for 100,000 devices).
     */
    public static Roster generate(int accounts, int slots, String domain, Crypto crypto) throws CryptoException {
        try {
            return new Roster(java.util.stream.IntStream.range(0, accounts).parallel().mapToObj(a -> {
                List<Device> ds = new ArrayList<>();
                for (int s = 0; s < slots; s++) {
                    try {
                        OpenPGPKey k = crypto.generateKey("<device" + s + "@" + domain + ">");
                        ds.add(new Device(Keyring.deviceIdOf(k.toCertificate()), k));
                    } catch (CryptoException e) {
                        throw new KeyFailed(e);
                    }
                }
                return new Account("sim" + a + "@" + domain, ds);
            }).toList());
        } catch (KeyFailed e) {
            throw e.cause;
        }
    }

    /** Carries a key generation's failure out of the parallel stream. */
    private static final class KeyFailed extends RuntimeException {
        final transient CryptoException cause;

        KeyFailed(CryptoException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    public Device device(DeviceRef d) { return accounts.get(d.account()).devices().get(d.slot()); }

    public String accountId(DeviceRef d) { return accounts.get(d.account()).accountId(); }
}
