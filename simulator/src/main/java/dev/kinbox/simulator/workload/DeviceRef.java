package dev.kinbox.simulator.workload;

/**
 * A virtual device by position: account {@code account} (0-based), slot {@code slot} in that
 * account's device pool. The fleet maps it to a real device id and key.
 */
public record DeviceRef(int account, int slot) implements Comparable<DeviceRef> {
    public DeviceRef {
        if (account < 0 || slot < 0) throw new IllegalArgumentException("account and slot must be >= 0");
    }

    @Override public int compareTo(DeviceRef o) {
        return account != o.account ? Integer.compare(account, o.account) : Integer.compare(slot, o.slot);
    }

    @Override public String toString() { return "a" + account + "/d" + slot; }
}
