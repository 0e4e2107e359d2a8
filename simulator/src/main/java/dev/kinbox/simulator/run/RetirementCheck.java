package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code silent_devices_retired} (a pure function of what the run saw): devices silent past the
 * expiry limit, and devices a sibling removed, are retired and stop receiving entries.
 * <ul>
 *   <li>every device in {@code mustRetire} is {@link DeviceStatus#RETIRED} in the state of every
 *       running, online device of its account ({@code witnesses});</li>
 *   <li>no device is retired in any running device's state unless it is in {@code mayRetire}
 *       (removed, or silent at some time for about as long as the limit): no device is retired
 *       while it was merely offline or crashed for a while;</li>
 *   <li>no running device learnt from a notice that it was retired ({@code toldRetired}) unless it is
 *       in {@code mayRetire}: no sibling wrote such a notice, so it trusted a forged one;</li>
 *   <li>for every running device and every device its state has retired, none of the entries it wrote
 *       after that opens with the retired device's key ({@code audits}, {@link RetiredReadable}).</li>
 * </ul>
 */
final class RetirementCheck {
    static final String NAME = "silent_devices_retired";

    private RetirementCheck() {}

    /** A look at {@code writer}'s folder with {@code retired}'s key. */
    record Audit(DeviceRef writer, DeviceRef retired, RetiredReadable found) {}

    /** The slots of {@code d}'s account that {@code s} has retired. */
    static Set<DeviceRef> retiredIn(Roster roster, DeviceRef d, AccountState s) {
        Set<DeviceRef> out = new TreeSet<>();
        List<Roster.Device> slots = roster.accounts().get(d.account()).devices();
        for (int i = 0; i < slots.size(); i++) {
            DeviceRecord r = s.devices().get(slots.get(i).deviceId());
            if (r != null && r.status() == DeviceStatus.RETIRED) out.add(new DeviceRef(d.account(), i));
        }
        return out;
    }

    /** {@code toldRetired}: running devices that learnt from a notice that they were retired, with what they were told. */
    static List<Violation> check(Roster roster, Map<DeviceRef, AccountState> witnesses, Map<DeviceRef, AccountState> running,
                                 Set<DeviceRef> mustRetire, Set<DeviceRef> mayRetire, Map<DeviceRef, String> toldRetired, List<Audit> audits) {
        List<Violation> out = new ArrayList<>();
        for (DeviceRef r : new TreeSet<>(mustRetire)) {
            List<String> notYet = new ArrayList<>();
            new TreeMap<>(witnesses).forEach((w, s) -> {
                if (w.account() == r.account() && !w.equals(r) && !retiredIn(roster, w, s).contains(r)) notYet.add(roster.device(w).deviceId());
            });
            if (!notYet.isEmpty()) {
                out.add(new Violation(NAME, roster.accountId(r), notYet, List.of(),
                        r + " (" + roster.device(r).deviceId() + ") was removed or silent past the limit but is not retired in these devices' states"));
            }
        }
        Set<DeviceRef> retiredSomewhere = new TreeSet<>();
        running.forEach((w, s) -> retiredSomewhere.addAll(retiredIn(roster, w, s)));
        for (DeviceRef r : retiredSomewhere) {
            if (mayRetire.contains(r)) continue;
            out.add(new Violation(NAME, roster.accountId(r), List.of(roster.device(r).deviceId()), List.of(),
                    r + " is retired though it was neither removed nor silent for as long as the limit"));
        }
        for (var told : new TreeMap<>(toldRetired).entrySet()) {
            DeviceRef r = told.getKey();
            if (mayRetire.contains(r)) continue;
            out.add(new Violation(NAME, roster.accountId(r), List.of(roster.device(r).deviceId()), List.of(),
                    r + " learnt it was retired (" + told.getValue() + ") though it was neither removed nor silent for as long as the limit:"
                    + " no sibling wrote that notice"));
        }
        for (Audit a : audits) {
            if (a.found().readable() == 0) continue;
            out.add(new Violation(NAME, roster.accountId(a.writer()), List.of(roster.device(a.writer()).deviceId(), roster.device(a.retired()).deviceId()),
                    List.of(), a.found().readable() + " of " + a.found().checked() + " entries " + a.writer() + " wrote after retiring " + a.retired()
                    + " (its journal #" + a.found().retiredAt() + ") open with the retired device's key"));
        }
        return out;
    }
}
