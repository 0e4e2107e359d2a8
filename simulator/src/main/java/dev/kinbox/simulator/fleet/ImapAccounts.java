package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.sma.SmaFolders;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accounts of a run on an existing IMAP server, one pre-created user per account:
 * {@code imap://USER@HOST:PORT[?tls=none|starttls|tls]} where USER holds {@value #PLACEHOLDER}, the
 * account's number from 0 ({@code imap://sim{n}@127.0.0.1:143} logs account 7 in as {@code sim7}).
 * Every user has the same password, from {@code KINBOX_IMAP_PASSWORD} or {@code KINBOX_IMAP_PASSWORD_FILE}
 * (never from the command line).
 *
 * @param base        the settings of account 0
 * @param userPattern USER, with its {@value #PLACEHOLDER}
 */
public record ImapAccounts(ImapSettings base, String userPattern) {
    /** Stands for the account's number in the user name. */
    public static final String PLACEHOLDER = "{n}";
    private static final String SCHEME = "imap://";

    /** True when {@code spec} names an existing server ({@code imap://...}) rather than a store kind. */
    public static boolean isSpec(String spec) {
        return spec != null && spec.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code spec}; the password comes from {@code env}.
     *
     * @throws IllegalArgumentException when the spec is malformed, its user lacks {@value #PLACEHOLDER}, or no password is set
     */
    public static ImapAccounts parse(String spec, Map<String, String> env) {
        if (!isSpec(spec)) throw new IllegalArgumentException("not an imap:// store: " + spec);
        int at = spec.indexOf('@', SCHEME.length());
        String user = at < 0 ? "" : spec.substring(SCHEME.length(), at);
        if (!user.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("the user in imap://USER@HOST:PORT must hold " + PLACEHOLDER
                    + ", the account's number (one pre-created user per account): e.g. imap://sim" + PLACEHOLDER + "@127.0.0.1:143");
        }
        try {
            return new ImapAccounts(MailStores.parseUrl(spec.replace(PLACEHOLDER, "0"), env), user);
        } catch (MailStoreException e) {
            throw new IllegalArgumentException("store imap://...: " + e.getMessage(), e); // the spec is not echoed: it may hold a password
        }
    }

    /** The login of account {@code account}. */
    public String user(int account) {
        return userPattern.replace(PLACEHOLDER, Integer.toString(account));
    }

    /** How account {@code account}'s devices connect. */
    public ImapSettings settings(int account) {
        return base.withUser(user(account));
    }

    /**
     * Before a run, from the driver: logs in as each of the first {@code accounts} users and looks for
     * SMA folders ({@code _Autocrypt_SMA}, {@code _Autocrypt_SMA_*}) an earlier run or another client
     * left; with {@code wipe} deletes them, else refuses. Nothing else in the accounts is touched.
     *
     * @return how many folders were deleted
     * @throws IllegalStateException when a login fails, or a user holds SMA folders and {@code wipe} is off
     */
    public int prepare(int accounts, boolean wipe) {
        int deleted = 0;
        for (int a = 0; a < accounts; a++) {
            try (MailStore s = ImapMailStore.connect(settings(a).withPoolSize(1))) {
                List<String> sma = s.listFolders().stream().filter(ImapAccounts::isSma).toList();
                if (sma.isEmpty()) continue;
                if (!wipe) {
                    throw new IllegalStateException("user " + user(a) + " on " + base.host() + ":" + base.port() + " holds " + sma.size()
                            + " SMA folders (" + SmaFolders.ANNOUNCEMENTS + "*) from an earlier run or another client; "
                            + "a run needs them empty: --wipe-store deletes them");
                }
                for (String f : sma.stream().sorted(java.util.Comparator.comparing(String::length).reversed()).toList()) { // announcements last
                    s.deleteFolder(f);
                    deleted++;
                }
            } catch (MailStoreException e) {
                throw new IllegalStateException("user " + user(a) + " on " + base.host() + ":" + base.port() + ": " + e.getMessage(), e);
            }
        }
        return deleted;
    }

    private static boolean isSma(String folder) {
        return folder.equals(SmaFolders.ANNOUNCEMENTS) || folder.toLowerCase(Locale.ROOT).startsWith(SmaFolders.PREFIX.toLowerCase(Locale.ROOT));
    }
}
