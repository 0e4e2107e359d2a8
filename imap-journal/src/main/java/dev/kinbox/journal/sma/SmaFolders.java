package dev.kinbox.journal.sma;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The mapping between Pekko persistence ids and first-level IMAP folders (docs/PROTOCOL.md,
 * "Folders"). A device's journal {@code sma|<accountId>|<deviceId>} lives in
 * {@code _Autocrypt_SMA_<deviceId>}; the account is the IMAP account itself, so the folder does not
 * repeat it. Any other persistence id maps to {@code _Autocrypt_SMA_x_<encoded>}, where the encoding
 * keeps {@code [a-z0-9-]} and writes every other UTF-8 byte as {@code _hh} (two lowercase hex
 * digits): reversible, case-proof (some servers fold case) and free of hierarchy separators.
 */
public final class SmaFolders {
    /** The folder holding every device's announcement. */
    public static final String ANNOUNCEMENTS = "_Autocrypt_SMA";
    /** Prefix of every per-device and per-entity folder. */
    public static final String PREFIX = ANNOUNCEMENTS + "_";
    /** Prefix of folders of persistence ids that are not device journals. */
    static final String OTHER_PREFIX = PREFIX + "x_";
    /** Longest folder name produced; many servers refuse names past 255 bytes. */
    public static final int MAX_FOLDER_LENGTH = 200;

    private static final Pattern DEVICE_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[^|\\s]{1,200}");

    private SmaFolders() {}

    /** True for a device id as the protocol writes it: 64 bits as 16 lowercase hex digits. */
    public static boolean isDeviceId(String s) {
        return s != null && DEVICE_ID.matcher(s).matches();
    }

    /** The persistence id of a device's journal. */
    public static String devicePersistenceId(String accountId, String deviceId) throws SmaFormatException {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new SmaFormatException("account id must be 1-200 characters without '|' or white space");
        }
        requireDeviceId(deviceId);
        return "sma|" + accountId + "|" + deviceId;
    }

    /** The device id of an {@code sma|<accountId>|<deviceId>} persistence id, if it is one. */
    public static Optional<String> deviceOf(String persistenceId) {
        if (persistenceId == null || !persistenceId.startsWith("sma|")) return Optional.empty();
        int bar = persistenceId.lastIndexOf('|');
        String account = persistenceId.substring(4, bar < 4 ? 4 : bar);
        String device = persistenceId.substring(bar + 1);
        if (bar <= 4 || !ACCOUNT_ID.matcher(account).matches() || !isDeviceId(device)) return Optional.empty();
        return Optional.of(device);
    }

    /** The folder of a device. */
    public static String deviceFolder(String deviceId) throws SmaFormatException {
        requireDeviceId(deviceId);
        return PREFIX + deviceId;
    }

    /** The folder that holds the journal of {@code persistenceId}. */
    public static String folderFor(String persistenceId) throws SmaFormatException {
        if (persistenceId == null || persistenceId.isEmpty()) throw new SmaFormatException("empty persistence id");
        Optional<String> device = deviceOf(persistenceId);
        if (device.isPresent()) return PREFIX + device.get();
        StringBuilder sb = new StringBuilder(OTHER_PREFIX);
        for (byte b : persistenceId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (keptAsIs(c)) sb.append((char) c);
            else sb.append('_').append(HexFormat.of().toHexDigits((byte) c));
            if (sb.length() > MAX_FOLDER_LENGTH) {
                throw new SmaFormatException("persistence id too long for an IMAP folder name (over "
                        + MAX_FOLDER_LENGTH + " characters encoded)");
            }
        }
        return sb.toString();
    }

    /**
     * The persistence id whose journal a folder holds; device folders need the account id because the
     * folder name does not carry it.
     */
    public static String persistenceIdOf(String folder, String accountId) throws SmaFormatException {
        if (folder == null || !folder.startsWith(PREFIX)) throw new SmaFormatException("not an SMA folder: " + folder);
        if (folder.startsWith(OTHER_PREFIX)) return decode(folder.substring(OTHER_PREFIX.length()));
        return devicePersistenceId(accountId, folder.substring(PREFIX.length()));
    }

    private static String decode(String encoded) throws SmaFormatException {
        byte[] out = new byte[encoded.length()];
        int n = 0;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '_') {
                if (i + 2 >= encoded.length()) throw new SmaFormatException("truncated escape in SMA folder name");
                String hex = encoded.substring(i + 1, i + 3);
                if (!hex.matches("[0-9a-f]{2}")) throw new SmaFormatException("bad escape '_" + hex + "' in SMA folder name");
                int b = Integer.parseInt(hex, 16);
                // One spelling per id: an escape of a byte that is kept as itself would alias another folder.
                if (keptAsIs(b)) throw new SmaFormatException("non-canonical escape '_" + hex + "' in SMA folder name");
                out[n++] = (byte) b;
                i += 2;
            } else if (keptAsIs(c)) {
                out[n++] = (byte) c;
            } else {
                throw new SmaFormatException("character '" + c + "' cannot appear in an encoded SMA folder name");
            }
        }
        if (n == 0) throw new SmaFormatException("empty encoded persistence id");
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new SmaFormatException("encoded SMA folder name is not UTF-8");
        }
    }

    private static boolean keptAsIs(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static void requireDeviceId(String deviceId) throws SmaFormatException {
        if (!isDeviceId(deviceId)) throw new SmaFormatException("device id must be 16 lowercase hex digits");
    }
}
