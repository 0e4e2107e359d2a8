package dev.kinbox.simulator.run;

import dev.kinbox.simulator.workload.DeviceRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When each device went silent (stopped, left, went offline, was removed) and came back, in simulated
 * milliseconds as the runner carried the steps out: what {@code silent_devices_retired} needs to know
 * which devices must be retired by now (silent past the expiry limit, or removed) and which may be
 * (silent long enough at some point to expire). Thread-safe.
 */
final class Silences {
    private final Map<DeviceRef, Long> since = new HashMap<>();
    private final Map<DeviceRef, Long> longest = new HashMap<>();
    private final Set<DeviceRef> removed = new HashSet<>();
    private final Set<DeviceRef> removing = new HashSet<>();

    /** {@code d} stops reaching the server at simulated time {@code at} (a second call while silent changes nothing). */
    synchronized void silent(DeviceRef d, long at) { since.putIfAbsent(d, at); }

    /** {@code d} reaches the server again at {@code at}. */
    synchronized void back(DeviceRef d, long at) {
        Long s = since.remove(d);
        if (s != null) longest.merge(d, at - s, Math::max);
    }

    /** A sibling is about to remove {@code d}: from now on it may be retired (even if the removal then fails). */
    synchronized void removing(DeviceRef d) { removing.add(d); }

    /** {@code d} was removed by a sibling at {@code at}. */
    synchronized void removed(DeviceRef d, long at) {
        removed.add(d);
        silent(d, at);
    }

    /** Devices that must be retired at {@code now}: removed, or silent without a break for longer than {@code limit}. */
    synchronized Set<DeviceRef> mustRetire(long now, long limit) {
        Set<DeviceRef> out = new HashSet<>(removed);
        since.forEach((d, s) -> {
            if (now - s > limit) out.add(d);
        });
        return out;
    }

    /** Devices that may be retired at {@code now}: removed or being removed, or silent without a break for at least {@code limit} at some time. */
    synchronized Set<DeviceRef> mayRetire(long now, long limit) {
        Set<DeviceRef> out = new HashSet<>(removed);
        out.addAll(removing);
        longest.forEach((d, l) -> {
            if (l >= limit) out.add(d);
        });
        since.forEach((d, s) -> {
            if (now - s >= limit) out.add(d);
        });
        return out;
    }
}
