package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Ids;
import dev.kinbox.persistence.crdt.Lattice;
import dev.kinbox.persistence.crdt.LwwRegister;
import java.util.Comparator;
import org.pcollections.PMap;

/** Small value types used as set elements and map values of {@link AccountState}. */
public final class StateValues {
    private StateValues() {}

    /** A fingerprint the user verified for a peer address (element of the verified OR-set). */
    public record PeerFingerprint(String address, String fingerprint) implements Comparable<PeerFingerprint> {
        public PeerFingerprint {
            address = Ids.canonicalAddress(address);
            Ids.requireFingerprint(fingerprint);
        }

        @Override
        public int compareTo(PeerFingerprint o) {
            int c = address.compareTo(o.address);
            return c != 0 ? c : fingerprint.compareTo(o.fingerprint);
        }
    }

    /** An address listed on a contact (element of the contact-address OR-set). */
    public record ContactAddress(String contactId, String address) implements Comparable<ContactAddress> {
        public ContactAddress {
            Events.requireContactId(contactId);
            address = Ids.canonicalAddress(address);
        }

        @Override
        public int compareTo(ContactAddress o) {
            int c = contactId.compareTo(o.contactId);
            return c != 0 ? c : address.compareTo(o.address);
        }
    }

    /** The LWW fields of one contact (name, note, ...), field name -> register. */
    public record ContactFields(PMap<String, LwwRegister<String>> fields) implements Lattice<ContactFields> {
        public ContactFields {
            if (fields == null) throw new IllegalArgumentException("fields missing");
        }

        @Override
        public ContactFields join(ContactFields o) {
            PMap<String, LwwRegister<String>> j = dev.kinbox.persistence.crdt.GMap.join(fields, o.fields);
            return j == fields ? this : j == o.fields ? o : new ContactFields(j);
        }
    }

    /**
     * What a mailing list last recommended (its {@code _list-recommendation} and
     * {@code _list-recipients}) and when it was seen.
     */
    public record MailingList(String recommendation, String recipients, long seenAt) implements Comparable<MailingList> {
        private static final Comparator<MailingList> ORDER = Comparator.comparingLong(MailingList::seenAt)
                .thenComparing(MailingList::recommendation).thenComparing(MailingList::recipients);

        public MailingList {
            Ids.requireText("list recommendation", recommendation);
            Ids.requireText("list recipients", recipients);
        }

        @Override
        public int compareTo(MailingList o) {
            return ORDER.compare(this, o);
        }
    }
}
