package dev.kinbox.journal.mail.servers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/** Folder names the servers' fault hooks accept (the names Kinbox uses, safe to map onto paths), and their shuffling. */
final class FolderNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private FolderNames() {}

    /**
     * {@code INBOX} (any case) as {@code INBOX}, or a first-level name of A-Z a-z 0-9 _ - (as
     * {@code MailStore} folders are); {@link IllegalArgumentException} for anything else.
     */
    static String checked(String folder) {
        if (folder == null) throw new IllegalArgumentException("folder name is null");
        if (folder.equalsIgnoreCase("INBOX")) return "INBOX";
        if (!NAME.matcher(folder).matches()) {
            throw new IllegalArgumentException("no folder " + folder + ": names are INBOX or 1-200 of A-Z a-z 0-9 _ -");
        }
        return folder;
    }

    /** {@code items} in a random order, never the given one when there are two or more. */
    static <T> List<T> anotherOrder(List<T> items, Random random) {
        List<T> out = new ArrayList<>(items);
        Collections.shuffle(out, random);
        if (out.size() > 1 && out.equals(items)) Collections.rotate(out, 1);
        return out;
    }
}
