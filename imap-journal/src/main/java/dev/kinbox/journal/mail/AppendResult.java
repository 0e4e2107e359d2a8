package dev.kinbox.journal.mail;

import java.util.List;

/**
 * What an APPEND stored.
 *
 * @param uidValidity the folder's UIDVALIDITY the UIDs belong to
 * @param uids        one UID per appended message, in order; {@code 0} where the server has no UIDPLUS
 *                    and the message has no Message-ID to find it by
 */
public record AppendResult(long uidValidity, List<Long> uids) {
    public AppendResult {
        uids = List.copyOf(uids);
    }
}
