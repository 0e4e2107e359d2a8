package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A step error names what went wrong, never "null": a timed-out wait has no message of its own. */
class DeviceSystemsReasonTest {
    @Test void aTimedOutWait_saysSo() {
        assertEquals("TimeoutException: no answer in time", DeviceSystems.reason(new TimeoutException()));
    }

    @Test void theFutureWrappers_givePlaceToTheirCause() {
        assertEquals("no pairing result within 30 s",
                DeviceSystems.reason(new ExecutionException(new CompletionException(new TimeoutException("no pairing result within 30 s")))));
    }

    @Test void aFailureWithoutMessage_isNamedByItsKind() {
        assertEquals("IllegalStateException", DeviceSystems.reason(new CompletionException(new IllegalStateException())));
    }
}
