package dev.kinbox.journal.mail;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** IMAP extensions a {@link MailStore} can use; discovered once per connection. */
public enum Capability {
    IDLE, CONDSTORE, QRESYNC, UIDPLUS, MULTIAPPEND, MOVE, NOTIFY, LITERAL_PLUS("LITERAL+"), ESEARCH,
    METADATA, ENABLE, UNSELECT, STARTTLS;

    private final String atom;

    Capability() { this.atom = null; }
    Capability(String atom) { this.atom = atom; }

    /** The capability atom as the server announces it. */
    public String atom() { return atom != null ? atom : name(); }

    /** The capability for an announced atom, if we know it. */
    public static Optional<Capability> fromAtom(String atom) {
        String a = atom.toUpperCase(Locale.ROOT);
        for (Capability c : values()) if (c.atom().equals(a)) return Optional.of(c);
        return Optional.empty();
    }

    /** The known capabilities among announced atoms. */
    public static Set<Capability> fromAtoms(Iterable<String> atoms) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (String a : atoms) fromAtom(a).ifPresent(out::add);
        return out;
    }
}
