package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.simulator.workload.Change;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** A virtual user's {@link Change} as the MUAA command that makes it. */
final class Commands {
    private Commands() {}

    static Muaa.Command of(Change c, ActorRef<StatusReply<AccountEvent>> to) {
        if (c instanceof Change.SetSetting s) return new Muaa.ChangeSetting(s.key(), s.value(), to);
        if (c instanceof Change.CreateContact cc) return new Muaa.CreateContact(cc.contactId(), to);
        if (c instanceof Change.EditContact e) return new Muaa.EditContact(e.contactId(), e.field(), e.value(), to);
        throw new IllegalArgumentException(c + " is not one event (incoming mail goes through FleetFaults.incoming)");
    }
}
