package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;
import java.util.List;

/**
 * Events of the synchronised contact catalog: an OR-map of contacts (create wins over a concurrent
 * remove) with last-writer-wins fields and an OR-set of addresses.
 */
public sealed interface ContactEvent extends AccountEvent {
    /** The contact concerned (1..128 characters, chosen by the creating device). */
    String contactId();

    /** A contact was created. */
    record ContactCreated(Dot dot, Hlc time, String contactId) implements ContactEvent {
        public ContactCreated {
            Events.meta(dot, time);
            Events.requireContactId(contactId);
        }
    }

    /** A field (name, note, ...) of a contact was set. */
    record ContactFieldChanged(Dot dot, Hlc time, String contactId, String field, String value) implements ContactEvent {
        public ContactFieldChanged {
            Events.meta(dot, time);
            Events.requireContactId(contactId);
            Events.requireKey("field", field);
            Ids.requireText("field value", value);
        }
    }

    /** A contact was removed; removes the creations it {@code observed}. */
    record ContactRemoved(Dot dot, Hlc time, String contactId, List<Dot> observed) implements ContactEvent {
        public ContactRemoved {
            Events.meta(dot, time);
            Events.requireContactId(contactId);
            observed = Events.observed(observed);
        }
    }

    /** An address was added to a contact. */
    record ContactAddressAdded(Dot dot, Hlc time, String contactId, String address) implements ContactEvent {
        public ContactAddressAdded {
            Events.meta(dot, time);
            Events.requireContactId(contactId);
            address = Ids.canonicalAddress(address);
        }
    }

    /** An address was removed from a contact; removes the adds it {@code observed}. */
    record ContactAddressRemoved(Dot dot, Hlc time, String contactId, String address, List<Dot> observed)
            implements ContactEvent {
        public ContactAddressRemoved {
            Events.meta(dot, time);
            Events.requireContactId(contactId);
            address = Ids.canonicalAddress(address);
            observed = Events.observed(observed);
        }
    }
}
