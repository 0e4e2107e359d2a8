package dev.kinbox.persistence.crdt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;

/**
 * The set of dots (events) a state has seen, kept compact as a version vector (every dot up to
 * {@code vv[device]} seen) plus a cloud of dots seen out of order. The representation is canonical:
 * no cloud dot is covered by the vector or directly follows it, so equal dot sets give equal
 * values (and equal encodings). OR-sets use it to remove exactly what was observed.
 *
 * @param versionVector device id -> highest contiguous sequence number seen
 * @param cloud         dots seen beyond a gap
 */
public record CausalContext(PMap<String, Long> versionVector, PSet<Dot> cloud) implements Lattice<CausalContext> {
    /** The context that has seen nothing. */
    public static final CausalContext EMPTY = new CausalContext(HashTreePMap.empty(), HashTreePSet.empty());

    public CausalContext {
        if (versionVector == null || cloud == null) throw new IllegalArgumentException("context parts missing");
    }

    /** Builds the canonical context of the given vector and dots (for decoders and tests). */
    public static CausalContext of(Map<String, Long> vector, Iterable<Dot> dots) {
        CausalContext cc = EMPTY;
        for (Map.Entry<String, Long> e : vector.entrySet()) {
            Ids.requireDeviceId(e.getKey());
            if (e.getValue() > 0) cc = cc.raise(e.getKey(), e.getValue());
        }
        for (Dot d : dots) cc = cc.add(d);
        return cc;
    }

    /** Whether {@code dot} has been seen. */
    public boolean contains(Dot dot) {
        Long max = versionVector.get(dot.deviceId());
        return (max != null && dot.seq() <= max) || (!cloud.isEmpty() && cloud.contains(dot));
    }

    /** The highest contiguous sequence number seen from {@code deviceId} (0 if none). */
    public long contiguous(String deviceId) {
        return versionVector.getOrDefault(deviceId, 0L);
    }

    /** This context with {@code dot} seen. */
    public CausalContext add(Dot dot) {
        long max = contiguous(dot.deviceId());
        if (dot.seq() <= max || cloud.contains(dot)) return this;
        if (dot.seq() != max + 1) return new CausalContext(versionVector, cloud.plus(dot));
        long top = dot.seq();
        PSet<Dot> c = cloud;
        while (!c.isEmpty()) {
            Dot next = new Dot(dot.deviceId(), top + 1);
            if (!c.contains(next)) break;
            c = c.minus(next);
            top++;
        }
        return new CausalContext(versionVector.plus(dot.deviceId(), top), c);
    }

    @Override
    public CausalContext join(CausalContext other) {
        CausalContext big = this, small = other;
        if (versionVector.size() + cloud.size() < other.versionVector.size() + other.cloud.size()) {
            big = other;
            small = this;
        }
        CausalContext out = big;
        for (Map.Entry<String, Long> e : small.versionVector.entrySet()) out = out.raise(e.getKey(), e.getValue());
        for (Dot d : small.cloud) out = out.add(d);
        return out;
    }

    // Marks 1..seq of a device seen, then re-canonicalises that device's cloud dots.
    private CausalContext raise(String deviceId, long seq) {
        if (seq <= contiguous(deviceId)) return this;
        PSet<Dot> c = cloud;
        if (!c.isEmpty()) {
            List<Dot> covered = new ArrayList<>();
            for (Dot d : c) if (d.deviceId().equals(deviceId) && d.seq() <= seq) covered.add(d);
            c = c.minusAll(covered);
        }
        CausalContext raised = new CausalContext(versionVector.plus(deviceId, seq), c);
        Dot next = new Dot(deviceId, seq + 1);
        return c.contains(next) ? new CausalContext(raised.versionVector, c.minus(next)).add(next) : raised;
    }
}
