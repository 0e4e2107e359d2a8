package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.AccountState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A sibling stream that fails starts again after its back-off, on the MUAA's own timer, and then
 * delivers; a stream stopped on purpose stays stopped. (The streams ran inside a RestartSource before,
 * which cost a second stream interpreter per sibling.)
 */
class SiblingStreamsTest {
    static final ActorTestKit KIT = ActorTestKit.create();
    static final String ACCOUNT = "streams@kinbox.invalid";
    static final String SIBLING = "00000000000000b1";

    @AfterAll static void stop() {
        KIT.shutdownTestKit();
    }

    /** Stands in for the MUAA: owns the streams, answers every Merge and reports it; CheckDrops stops every stream. */
    static Behavior<Muaa.Command> host(Function<String, Source<Object, NotUsed>> events, ActorRef<AccountState> merged) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            SiblingStreams streams = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, ACCOUNT, "00000000000000a1", events, pid -> Source.empty());
            streams.reconcile(Set.of(SIBLING));
            return Behaviors.receive(Muaa.Command.class)
                    .onMessage(Muaa.SiblingStreamEnded.class, e -> { streams.ended(e); return Behaviors.same(); })
                    .onMessage(Muaa.RestartSiblingStream.class, r -> { streams.restart(r); return Behaviors.same(); })
                    .onMessage(Muaa.Merge.class, m -> {
                        merged.tell(m.state());
                        m.applied().tell(Done.getInstance());
                        return Behaviors.same();
                    })
                    .onMessage(Muaa.CheckDrops.class, c -> { streams.reconcile(Set.of()); return Behaviors.same(); })
                    .build();
        }));
    }

    /** Fails the first {@code failures} materializations per persistence id, then emits one state and stays open. */
    static final class Flaky implements Function<String, Source<Object, NotUsed>> {
        final int failures;
        final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();

        Flaky(int failures) {
            this.failures = failures;
        }

        @Override public Source<Object, NotUsed> apply(String pid) {
            int n = starts.computeIfAbsent(pid, k -> new AtomicInteger()).incrementAndGet();
            if (n <= failures) return Source.failed(new IllegalStateException("folder not there yet (start " + n + ")"));
            return Source.<Object>single(AccountState.EMPTY).concat(Source.never());
        }

        int total() {
            return starts.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    @Test void aStreamThatFails_startsAgainAfterItsBackoff_andThenDelivers() {
        Flaky flaky = new Flaky(2);
        TestProbe<AccountState> merged = KIT.createTestProbe();
        long start = System.nanoTime();
        KIT.spawn(host(flaky, merged.getRef()));
        merged.expectMessage(Duration.ofSeconds(10), AccountState.EMPTY);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3, flaky.total(), "two failed starts, then the one that delivered");
        assertTrue(tookMs >= 600, "waited 200 ms and then 400 ms between the starts: " + tookMs + " ms");
        merged.expectNoMessage(Duration.ofMillis(300)); // and it is not started a fourth time
        assertEquals(3, flaky.total());
    }

    @Test void aStreamStoppedOnPurpose_isNotStartedAgain() {
        Flaky flaky = new Flaky(0);
        TestProbe<AccountState> merged = KIT.createTestProbe();
        ActorRef<Muaa.Command> host = KIT.spawn(host(flaky, merged.getRef()));
        merged.expectMessage(Duration.ofSeconds(10), AccountState.EMPTY);
        host.tell(Muaa.CheckDrops.INSTANCE); // the sibling is no longer paired
        merged.expectNoMessage(Duration.ofMillis(1_500)); // longer than the longest first back-offs
        assertEquals(1, flaky.total());
    }

    @Test void aStreamThatFailsWhileWaitingToStartAgain_andIsThenStopped_staysStopped() {
        Flaky flaky = new Flaky(Integer.MAX_VALUE);
        TestProbe<AccountState> merged = KIT.createTestProbe();
        ActorRef<Muaa.Command> host = KIT.spawn(host(flaky, merged.getRef()));
        host.tell(Muaa.CheckDrops.INSTANCE); // stopped while its back-off runs
        merged.expectNoMessage(Duration.ofMillis(1_000));
        assertTrue(flaky.total() <= 2, "the pending restart was cancelled: " + flaky.total());
    }

    /** As {@link #host}, but CheckDrops replaces the streams as a restarted MUAA does: stop them all, make new ones. */
    static Behavior<Muaa.Command> restartingHost(Function<String, Source<Object, NotUsed>> events, ActorRef<AccountState> merged) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            SiblingStreams[] streams = {new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, ACCOUNT, "00000000000000a1", events, pid -> Source.empty())};
            streams[0].reconcile(Set.of(SIBLING));
            return Behaviors.receive(Muaa.Command.class)
                    .onMessage(Muaa.SiblingStreamEnded.class, e -> { streams[0].ended(e); return Behaviors.same(); })
                    .onMessage(Muaa.RestartSiblingStream.class, r -> { streams[0].restart(r); return Behaviors.same(); })
                    .onMessage(Muaa.Merge.class, m -> {
                        merged.tell(m.state());
                        m.applied().tell(Done.getInstance());
                        return Behaviors.same();
                    })
                    .onMessage(Muaa.CheckDrops.class, c -> {
                        streams[0].stopAll();
                        streams[0] = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, ACCOUNT, "00000000000000a1", events, pid -> Source.empty());
                        streams[0].reconcile(Set.of(SIBLING));
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    @Test void theEndOfAStreamOfAnEarlierIncarnation_doesNotRestartTheNewIncarnationsStream() {
        Flaky flaky = new Flaky(0);
        TestProbe<AccountState> merged = KIT.createTestProbe();
        ActorRef<Muaa.Command> host = KIT.spawn(restartingHost(flaky, merged.getRef()));
        merged.expectMessage(Duration.ofSeconds(10), AccountState.EMPTY);
        host.tell(Muaa.CheckDrops.INSTANCE); // restart: the old stream's end arrives after the new one started
        merged.expectMessage(Duration.ofSeconds(10), AccountState.EMPTY);
        merged.expectNoMessage(Duration.ofMillis(1_500)); // longer than the first back-offs
        assertEquals(2, flaky.total(), "one stream per incarnation, none started again");
    }

    @Test void backoff_doublesPerFailureInARow_upToFiveSeconds_stretchedByAtMostAFifth() {
        for (int failures = 1; failures <= 12; failures++) {
            long base = Math.min(5_000, 200L << (failures - 1));
            long ms = SiblingStreams.backoff(SIBLING, failures).toMillis();
            assertTrue(ms >= base && ms <= base * 6 / 5, failures + " failures: " + ms + " ms, base " + base);
        }
    }

    @Test void aCatchUp_hasWhatTheFolderHoldsNowAppliedBeforeItCompletes() {
        AccountState first = AccountState.EMPTY;
        AccountState second = AccountState.EMPTY.apply(new dev.kinbox.persistence.SettingsEvent.SettingChanged(
                new dev.kinbox.persistence.crdt.Dot(SIBLING, 1), new dev.kinbox.persistence.crdt.Hlc(1_700_000_000_000L, 0, SIBLING), "s1", "v1"));
        TestProbe<Object> seen = KIT.createTestProbe();
        KIT.spawn(Behaviors.<Muaa.Command>setup(ctx -> Behaviors.withTimers(timers -> {
            SiblingStreams streams = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, ACCOUNT, "00000000000000a1",
                    pid -> Source.never(), pid -> Source.<Object>from(List.of(first, second)));
            streams.catchUp(SIBLING, Duration.ofSeconds(10)).whenComplete((done, failure) -> seen.getRef().tell(failure == null ? "caught up" : failure));
            return Behaviors.receive(Muaa.Command.class)
                    .onMessage(Muaa.Merge.class, m -> {
                        seen.getRef().tell(m.state());
                        m.applied().tell(Done.getInstance());
                        return Behaviors.same();
                    })
                    .build();
        })));
        seen.expectMessage(Duration.ofSeconds(10), first);
        seen.expectMessage(Duration.ofSeconds(10), second);
        seen.expectMessage(Duration.ofSeconds(10), "caught up");
    }

    @Test void aCatchUpThatTakesTooLong_failsAfterItsTimeout() {
        TestProbe<Object> seen = KIT.createTestProbe();
        KIT.spawn(Behaviors.<Muaa.Command>setup(ctx -> Behaviors.withTimers(timers -> {
            SiblingStreams streams = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, ACCOUNT, "00000000000000a1",
                    pid -> Source.never(), pid -> Source.never());
            streams.catchUp(SIBLING, Duration.ofMillis(300)).whenComplete((done, failure) -> seen.getRef().tell(failure == null ? "caught up" : "failed"));
            return Behaviors.<Muaa.Command>ignore();
        })));
        seen.expectMessage(Duration.ofSeconds(10), "failed");
    }
}
