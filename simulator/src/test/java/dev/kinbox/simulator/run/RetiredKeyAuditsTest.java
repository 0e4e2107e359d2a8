package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetiredKeyAuditsTest {
    private static final DeviceRef A = new DeviceRef(0, 0), B = new DeviceRef(0, 1), C = new DeviceRef(1, 0), D = new DeviceRef(1, 1);

    /** A fleet that only audits, with {@code audit}; nothing else of it is asked. */
    private static ForwardingFleet auditing(Audit audit) {
        return new ForwardingFleet(null) {
            @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws Fleet.FleetException {
                return audit.of(writer, retired);
            }
        };
    }

    private interface Audit {
        RetiredReadable of(DeviceRef writer, DeviceRef retired) throws Fleet.FleetException;
    }

    @Test
    void audits_runSideBySide_andComeBackInTheOrderAsked() {
        // each audit waits until four have begun: one at a time, the first would wait alone and fail
        CountDownLatch begun = new CountDownLatch(RetiredKeyAudits.PARALLELISM);
        ForwardingFleet fleet = auditing((w, r) -> {
            begun.countDown();
            try {
                if (!begun.await(10, TimeUnit.SECONDS)) throw new Fleet.FleetException("audits ran one at a time", null);
            } catch (InterruptedException e) {
                throw new Fleet.FleetException("interrupted", e);
            }
            return new RetiredReadable(w.slot() * 10L + r.slot(), 1, 0);
        });
        List<RetiredKeyAudits.Asked> asked = List.of(new RetiredKeyAudits.Asked(A, B), new RetiredKeyAudits.Asked(B, A),
                new RetiredKeyAudits.Asked(C, D), new RetiredKeyAudits.Asked(D, C), new RetiredKeyAudits.Asked(A, D));
        RetiredKeyAudits.Outcome o = RetiredKeyAudits.run(fleet, asked);
        assertEquals(List.of(), o.failures());
        assertEquals(List.of(new RetirementCheck.Audit(A, B, new RetiredReadable(1, 1, 0)), new RetirementCheck.Audit(B, A, new RetiredReadable(10, 1, 0)),
                new RetirementCheck.Audit(C, D, new RetiredReadable(1, 1, 0)), new RetirementCheck.Audit(D, C, new RetiredReadable(10, 1, 0)),
                new RetirementCheck.Audit(A, D, new RetiredReadable(1, 1, 0))), o.audits());
    }

    @Test
    void aFolderThatCannotBeRead_failsItsAuditAlone_withTheFleetsReason() {
        ForwardingFleet fleet = auditing((w, r) -> {
            if (w.equals(C)) throw new Fleet.FleetException("cannot read the folder of " + w + ": NO [UNAVAILABLE]", null);
            return new RetiredReadable(5, 2, 0);
        });
        RetiredKeyAudits.Outcome o = RetiredKeyAudits.run(fleet, List.of(new RetiredKeyAudits.Asked(A, B), new RetiredKeyAudits.Asked(C, D)));
        assertEquals(List.of(new RetirementCheck.Audit(A, B, new RetiredReadable(5, 2, 0))), o.audits());
        assertEquals(List.of("cannot read the folder of " + C + ": NO [UNAVAILABLE]"), o.failures());
    }

    @Test
    void aFleetFault_isThrown_asOneByOne() {
        IllegalStateException fault = new IllegalStateException("journal of a0/d0 holds a String");
        ForwardingFleet fleet = auditing((w, r) -> {
            throw fault;
        });
        assertSame(fault, assertThrows(IllegalStateException.class, () -> RetiredKeyAudits.run(fleet, List.of(new RetiredKeyAudits.Asked(A, B)))));
    }

    @Test
    void noAudits_askTheFleetNothing() {
        assertEquals(new RetiredKeyAudits.Outcome(List.of(), List.of()), RetiredKeyAudits.run(auditing((w, r) -> {
            throw new AssertionError("asked");
        }), List.of()));
    }
}
