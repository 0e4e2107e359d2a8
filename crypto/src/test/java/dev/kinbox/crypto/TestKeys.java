package dev.kinbox.crypto;

import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** Keys generated once per JVM for the fast tests. */
final class TestKeys {
    static final Crypto CRYPTO = new Crypto(Clock.systemUTC(), new SecureRandom());
    static final OpenPGPKey ALICE = gen("<alice@kin.example>");
    static final OpenPGPKey BOB = gen("<bob@kin.example>");
    static final OpenPGPKey CAROL = gen("<carol@kin.example>");

    private TestKeys() {}

    static OpenPGPKey gen(String uid) {
        try {
            return CRYPTO.generateKey(uid);
        } catch (CryptoException e) {
            throw new IllegalStateException(e);
        }
    }
}
