package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subscribe/unsubscribe by subject, and the threshold that turns the list's header on and off. */
class RemailerCommandTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test", CAROL = "carol@example.test";
    ListFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ListFixture();
    }

    private Roster run(Roster r, byte[] mail) {
        return r.applyAll(f.pipeline.process(r, mail).events());
    }

    @Test
    void subscribeCommand_addsTheSender_collectsItsKey_andConfirms() throws Exception {
        OpenPGPKey alice = f.key(ALICE);
        Roster r = Roster.empty(ListSettings.defaults(LIST));
        PostOutcome.CommandHandled c = assertInstanceOf(PostOutcome.CommandHandled.class,
                f.pipeline.process(r, f.command(ALICE, " Subscribe ", f.autocrypt(ALICE, alice))));
        assertEquals("subscribe", c.command());
        assertTrue(c.events().stream().anyMatch(e -> e instanceof RosterEvent.SubscriberAdded a && a.addr().equals(ALICE)));
        assertEquals(ALICE, c.reply().recipient());
        assertTrue(ListFixture.text(c.reply().raw()).contains("You are now subscribed"));
        assertTrue(ListFixture.text(c.reply().raw()).contains("The list has your Autocrypt key"));
        r = r.applyAll(c.events());
        assertTrue(r.isSubscribed(ALICE));
        assertEquals(Crypto.fingerprint(alice.toCertificate()), r.subscribers().get(ALICE).fingerprint());
        PostOutcome.CommandHandled again = assertInstanceOf(PostOutcome.CommandHandled.class,
                f.pipeline.process(r, f.command(ALICE, "subscribe", null)));
        assertTrue(ListFixture.text(again.reply().raw()).contains("already subscribed"));
        assertFalse(again.events().stream().anyMatch(e -> e instanceof RosterEvent.SubscriberAdded));
    }

    @Test
    void unsubscribeCommand_removesTheSender_andConfirms_andANonMemberIsToldNothingChanged() throws Exception {
        Roster r = run(Roster.empty(ListSettings.defaults(LIST)), f.command(BOB, "subscribe", null));
        PostOutcome.CommandHandled c = assertInstanceOf(PostOutcome.CommandHandled.class,
                f.pipeline.process(r, f.command(BOB, "unsubscribe", null)));
        assertTrue(c.events().stream().anyMatch(e -> e instanceof RosterEvent.SubscriberRemoved x && x.addr().equals(BOB)));
        assertTrue(ListFixture.text(c.reply().raw()).contains("no longer subscribed"));
        r = r.applyAll(c.events());
        assertFalse(r.isSubscribed(BOB));
        assertTrue(r.active().isEmpty());
        PostOutcome.CommandHandled none = assertInstanceOf(PostOutcome.CommandHandled.class,
                f.pipeline.process(r, f.command(CAROL, "unsubscribe", null)));
        assertTrue(ListFixture.text(none.reply().raw()).contains("were not subscribed"));
        assertFalse(none.events().stream().anyMatch(e -> e instanceof RosterEvent.SubscriberRemoved));
    }

    @Test
    void listHeader_switchesOnAndOff_asKeysArriveAndSubscribersCome() throws Exception {
        OpenPGPKey alice = f.key(ALICE), bob = f.key(BOB);
        Roster r = Roster.empty(ListSettings.defaults(LIST));
        r = run(r, f.command(ALICE, "subscribe", f.autocrypt(ALICE, alice)));
        r = run(r, f.command(BOB, "subscribe", null));
        r = run(r, f.command(CAROL, "subscribe", null));
        assertNull(listHeaderOfCopy(r), "1 of 3 with keys: no header");
        f.clock.advance(java.time.Duration.ofMinutes(1));
        r = run(r, f.plain(BOB, "hello", "my key is in the header", f.autocrypt(BOB, bob)));
        assertEquals(2, r.withKeys());
        String h = listHeaderOfCopy(r);
        assertTrue(h != null && h.contains("_list-recipients=2/3"), "2 of 3: header on, was " + h);
        r = run(r, f.command("dave@example.test", "subscribe", null));
        assertNull(listHeaderOfCopy(r), "2 of 4 is not a majority: header off");
        Roster half = r.apply(new RosterEvent.ListSettingChanged(
                r.settings().withThreshold(new ListSettings.Threshold.AtLeastPercent(50)), f.clock.instant()));
        assertTrue(listHeaderOfCopy(half).contains("_list-recipients=2/4"), "a 50 % threshold accepts 2 of 4");
        r = run(r, f.command(CAROL, "unsubscribe", null));
        assertTrue(listHeaderOfCopy(r).contains("_list-recipients=2/3"));
    }

    private String listHeaderOfCopy(Roster r) throws Exception {
        f.clock.advance(java.time.Duration.ofSeconds(1));
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class,
                f.pipeline.process(r, f.plain(r.active().get(0).addr(), "probe", "x", null)));
        MimeMessage m = ListFixture.mime(d.deliveries().get(0).raw());
        String[] v = m.getHeader("Autocrypt");
        return v == null ? null : v[0];
    }

    @Test
    void commandEvents_foldToTheSameRoster_inOneGoOrOneByOne() throws Exception {
        Roster r = Roster.empty(ListSettings.defaults(LIST));
        PostOutcome o = f.pipeline.process(r, f.command(ALICE, "subscribe", f.autocrypt(ALICE, f.key(ALICE))));
        Roster stepwise = r;
        for (RosterEvent e : o.events()) stepwise = stepwise.apply(e);
        assertEquals(List.copyOf(stepwise.subscribers().keySet()), List.copyOf(r.applyAll(o.events()).subscribers().keySet()));
        assertEquals(stepwise.subscribers().get(ALICE).fingerprint(), r.applyAll(o.events()).subscribers().get(ALICE).fingerprint());
    }
}
