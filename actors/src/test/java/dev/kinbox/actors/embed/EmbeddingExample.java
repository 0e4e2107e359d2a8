package dev.kinbox.actors.embed;

import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** docs/EMBEDDING.md's example: two devices of one account on an embedded IMAP server, paired by short code. */
public final class EmbeddingExample {
    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }

    /** Runs the example; returns what the phone read from the account after pairing. */
    public static String run() throws Exception {
        Path home = Files.createTempDirectory("kinbox-example-");
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom());
             ImapMailStore laptopMailbox = ImapMailStore.connect(server.settings(server.addUser("dana")));
             ImapMailStore phoneMailbox = ImapMailStore.connect(server.settings(server.addUser("dana")))) {

            // The laptop's user confirms pairing requests; here the code goes straight to the phone.
            CompletableFuture<String> spokenCode = new CompletableFuture<>();
            PairingApprover laptopUser = new PairingApprover() {
                @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
                    return CompletableFuture.completedFuture(Optional.empty()); // no camera on this laptop
                }

                @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
                    System.out.println("Laptop: " + request.name() + " wants to pair; code " + code);
                    spokenCode.complete(code);
                    return CompletableFuture.completedFuture(true); // the user confirmed on the laptop
                }
            };

            // First device: finds an empty account, creates the SMA folders and the account key.
            KinboxDevice laptop = Kinbox.start(KinboxConfig.of("dana@example.org", home.resolve("laptop"), laptopMailbox)
                    .withDeviceName("Laptop").withApprover(laptopUser)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            System.out.println("Laptop: " + laptop.startOutcome());

            // Second device: announces itself and waits to be paired.
            KinboxDevice phone = Kinbox.start(KinboxConfig.of("dana@example.org", home.resolve("phone"), phoneMailbox)
                    .withDeviceName("Phone")).toCompletableFuture().get(60, TimeUnit.SECONDS);
            System.out.println("Phone: " + phone.startOutcome());

            try (laptop; phone) {
                KinboxDevice.PairingSession session = phone.pair(laptop.deviceId(), PairingApprover.PairingMethod.CODE)
                        .toCompletableFuture().get(60, TimeUnit.SECONDS);
                String code = spokenCode.get(60, TimeUnit.SECONDS); // the user types what the laptop shows
                phone.enterPairingCode(session.started().sessionId(), code).toCompletableFuture().get(60, TimeUnit.SECONDS);
                System.out.println("Phone: " + session.done().toCompletableFuture().get(60, TimeUnit.SECONDS));

                // An edit on the laptop reaches the phone through the account's SMA folders.
                CompletableFuture<String> seen = new CompletableFuture<>();
                try (AutoCloseable listening = phone.addListener(state -> {
                    var s = state.settings().get("signature");
                    if (s != null) seen.complete(s.value());
                }).toCompletableFuture().get(60, TimeUnit.SECONDS)) {
                    laptop.changeSetting("signature", "-- Dana").toCompletableFuture().get(60, TimeUnit.SECONDS);
                    return seen.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
