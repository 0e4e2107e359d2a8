package dev.kinbox.actors.muaa;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The user's side of pairing on an existing device: a new device asked to pair and only the user can
 * confirm it out of band. Called on the MUAA's thread; return quickly and complete the stage when the
 * user has answered (the MUAA aborts the session when its pairing timeout passes first).
 */
public interface PairingApprover {
    /** QR path: the payload the user scanned from the new device's screen; empty refuses the request. */
    CompletionStage<Optional<String>> scanQr(PairingRequest request);

    /** Short-code path: show {@code code} to the user, who types it on the new device; false refuses. */
    CompletionStage<Boolean> showCode(PairingRequest request, String code);

    /** An approver that refuses every request (a device that does not pair others). */
    static PairingApprover refuseAll() {
        return new PairingApprover() {
            @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
                return CompletableFuture.completedFuture(false);
            }
        };
    }

    /** What the user is asked about: the requesting device as it describes itself (not yet authenticated). */
    record PairingRequest(String deviceId, String name, PairingMethod method, String sessionId) {}

    /** How the out-of-band secret travels. */
    enum PairingMethod { QR, CODE }
}
