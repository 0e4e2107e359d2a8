package dev.kinbox.actors.muaa;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What a device does when its state first has a sibling as retired (docs/PROTOCOL.md, "What a retired
 * device wrote"). Each device uploads only its own events (journal v2) and stops reading a sibling
 * once it has it as retired, so each holds the retired device's events up to its own cut: without
 * more, two siblings that read the retired device's last entries at different moments would differ
 * for good. So a device persists, right after the events that retire someone in its state, its whole
 * resulting state as an event of its own (uploaded; its siblings merge it), and from then on refuses
 * the retired device's events. Every event of the retired device that any running device holds is
 * then in some device's adopted state, and every device merges every other's: they converge on the
 * union. Pure; used by the MUAA on its thread.
 */
final class Adoption {
    private Adoption() {}

    /**
     * {@code events} (account events and states, in persisting order) followed by the state they lead
     * to from {@code state}, when that state has a device other than {@code self} as retired that
     * {@code state} did not; else {@code events} unchanged. (A device that learns it is itself retired
     * adopts nothing: its siblings read nothing more of it.)
     */
    static List<Object> withAdoption(String self, AccountState state, List<Object> events) {
        // the hot path (every replicated edit): only a retirement or a merged state can retire someone
        if (events.stream().noneMatch(e -> e instanceof DeviceEvent.DeviceRetired || e instanceof AccountState)) {
            return events;
        }
        AccountState after = state;
        for (Object e : events) {
            if (e instanceof AccountEvent ae) after = after.apply(ae);
            else if (e instanceof AccountState s) after = after.join(s);
        }
        if (!retiresSomeone(self, state, after)) return events;
        List<Object> out = new ArrayList<>(events);
        out.add(after);
        return out;
    }

    /** Whether {@code deviceId} is retired in {@code state} (its events are refused from then on). */
    static boolean retired(AccountState state, String deviceId) {
        DeviceRecord r = state.devices().get(deviceId);
        return r != null && r.status() == DeviceStatus.RETIRED;
    }

    private static boolean retiresSomeone(String self, AccountState before, AccountState after) {
        for (var e : after.devices().entrySet()) {
            if (e.getValue().status() == DeviceStatus.RETIRED && !e.getKey().equals(self) && !retired(before, e.getKey())) return true;
        }
        return false;
    }
}
