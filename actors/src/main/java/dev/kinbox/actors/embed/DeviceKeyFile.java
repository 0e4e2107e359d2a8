package dev.kinbox.actors.embed;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The device's own secret key in its state directory: {@code device-key.asc}, ASCII-armored, readable
 * by the owner only. Created once (written to a temporary file, then moved into place, so a crash
 * never leaves half a key); every later start reads it back, so the device keeps its id.
 */
final class DeviceKeyFile {
    static final String NAME = "device-key.asc";

    private DeviceKeyFile() {}

    static OpenPGPKey loadOrCreate(Path stateDir, Crypto crypto) {
        Path file = stateDir.resolve(NAME);
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) return crypto.readKey(Files.readAllBytes(file));
            OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
            Path tmp = Files.createTempFile(stateDir, ".device-key", ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(tmp, Crypto.armor(key).getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            return key;
        } catch (IOException e) {
            throw new KinboxException.StateDirUnusable("cannot use state directory " + stateDir + ": " + e.getMessage(), e);
        } catch (CryptoException e) {
            throw new KinboxException.StateDirUnusable(file + " does not hold a usable device key: " + e.getMessage(), e);
        }
    }
}
