package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Polls devices' digests until they are equal (bounded). */
final class Convergence {
    private Convergence() {}

    static void await(List<Device> devices) throws InterruptedException {
        await(devices, Duration.ofSeconds(30));
    }

    static void await(List<Device> devices, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<byte[]> d = devices.stream().map(Device::digest).toList();
            if (d.stream().allMatch(x -> Arrays.equals(x, d.get(0)))) return;
            assertTrue(System.nanoTime() < deadline, () -> "devices did not converge within " + limit + ": "
                    + devices.stream().map(x -> x.id + "=" + x.state().context()).toList());
            Thread.sleep(100);
        }
    }
}
