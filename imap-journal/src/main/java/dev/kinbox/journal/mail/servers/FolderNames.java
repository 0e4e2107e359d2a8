package dev.kinbox.journal.mail.servers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MailStores;

/** Folder names the servers' fault hooks accept (the names Kinbox uses, safe to map onto paths), and their shuffling. */
final class FolderNames {
    private FolderNames() {}

    /** The folder name rule every {@code MailStore} applies ({@link MailStores#folderName}), as {@link IllegalArgumentException}. */
    static String checked(String folder) {
        try {
            return MailStores.folderName(folder);
        } catch (MailStoreException.InvalidRequest e) {
            throw new IllegalArgumentException("no folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** {@code items} in a random order, never the given one when there are two or more. */
    static <T> List<T> anotherOrder(List<T> items, Random random) {
        List<T> out = new ArrayList<>(items);
        Collections.shuffle(out, random);
        if (out.size() > 1 && out.equals(items)) Collections.rotate(out, 1);
        return out;
    }
}
