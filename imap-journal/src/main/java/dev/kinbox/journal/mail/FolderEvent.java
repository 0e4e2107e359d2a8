package dev.kinbox.journal.mail;

/** What a {@link MailStore#watch watch} reports about its folder. */
public sealed interface FolderEvent {
    /** The watched folder. */
    String folder();

    /**
     * Messages were added, removed or changed flags. It says nothing about which: re-read from your
     * cursor. Several changes may be reported as one event.
     */
    record Changed(String folder) implements FolderEvent {}

    /**
     * The folder's UIDVALIDITY differs from the one seen when watching began (or at the last
     * report): every UID you hold for this folder is meaningless; resynchronise from scratch.
     */
    record UidValidityChanged(String folder, long oldUidValidity, long newUidValidity) implements FolderEvent {}

    /**
     * The watch lost its connection and got a new one; changes in between were not seen, so treat it
     * like {@link Changed}. (A UIDVALIDITY change found on reconnect is reported separately.)
     */
    record Reconnected(String folder, int attempt) implements FolderEvent {}

    /** The folder is gone (deleted); the watch keeps trying and reports when it is back. */
    record Missing(String folder) implements FolderEvent {}
}
