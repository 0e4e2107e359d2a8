package dev.kinbox.journal.mail;

import java.util.OptionalLong;

/**
 * A folder's STATUS.
 *
 * @param messages       number of messages
 * @param uidNext        the UID the next appended message will get at least
 * @param uidValidity    changes when UIDs of this folder are no longer comparable (folder recreated...)
 * @param highestModSeq  present only where the server has CONDSTORE
 */
public record FolderStatus(long messages, long uidNext, long uidValidity, OptionalLong highestModSeq) {
    public FolderStatus {
        if (messages < 0 || uidNext < 1 || uidValidity < 1) {
            throw new MailStoreException.ProtocolViolation(
                    "impossible STATUS: messages=" + messages + " uidNext=" + uidNext + " uidValidity=" + uidValidity, null);
        }
    }
}
