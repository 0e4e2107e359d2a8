package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;

/** Events of the last-writer-wins maps: settings, known mailing lists, domain policies. */
public sealed interface SettingsEvent extends AccountEvent {
    /** A setting was changed. */
    record SettingChanged(Dot dot, Hlc time, String key, String value) implements SettingsEvent {
        public SettingChanged {
            Events.meta(dot, time);
            Events.requireKey("setting key", key);
            Ids.requireText("setting value", value);
        }
    }

    /** A mail from a mailing list carried its {@code _list-recommendation} and {@code _list-recipients}. */
    record MailingListSeen(Dot dot, Hlc time, String listAddress, String recommendation, String recipients, long seenAt)
            implements SettingsEvent {
        public MailingListSeen {
            Events.meta(dot, time);
            listAddress = Ids.canonicalAddress(listAddress);
            Ids.requireText("list recommendation", recommendation);
            Ids.requireText("list recipients", recipients);
        }
    }

    /** The policy for a mail domain was changed. */
    record DomainPolicyChanged(Dot dot, Hlc time, String domain, String policy) implements SettingsEvent {
        public DomainPolicyChanged {
            Events.meta(dot, time);
            domain = Events.domain(domain);
            Ids.requireText("domain policy", policy);
        }
    }
}
