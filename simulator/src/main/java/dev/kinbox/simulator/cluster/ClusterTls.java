package dev.kinbox.simulator.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.kinbox.journal.mail.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Map;

/**
 * TLS for the cluster transport (Pekko Artery {@code tls-tcp}): TLS 1.3, both sides show a certificate
 * the other's trust store holds (mutual authentication), so a node without the cluster's key cannot
 * join nor listen in - the nodes exchange the run's device keys. Every node of a cluster uses it or
 * none does. The key store (PKCS12 or JKS) holds the node's private key and certificate; the trust
 * store the certificates to accept (one shared cluster certificate in both is the simplest setup, see
 * docs/SIMULATOR.md, "Across machines"). One password opens both, and the key, taken from
 * {@value #ENV_PASSWORD} or the file named by {@value #ENV_PASSWORD_FILE}, never from the command
 * line; {@link #toString()} does not show it. Certificates are not checked against host names, as a
 * node's address may be any of a host's.
 */
public final class ClusterTls {
    public static final String ENV_PASSWORD = "KINBOX_CLUSTER_TLS_PASSWORD";
    public static final String ENV_PASSWORD_FILE = "KINBOX_CLUSTER_TLS_PASSWORD_FILE";

    private final Path keyStore;
    private final Path trustStore;
    private final String password;

    private ClusterTls(Path keyStore, Path trustStore, String password) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /**
     * The stores, checked now so that a wrong path or password is a clear error before any node
     * starts: the key store must open with the password and hold a private key, the trust store must
     * open and hold a certificate. {@link IllegalArgumentException} names the file and what is wrong.
     */
    public static ClusterTls open(Path keyStore, Path trustStore, String password) {
        if (password == null || password.isEmpty()) throw new IllegalArgumentException("no cluster TLS password: set " + ENV_PASSWORD + " or " + ENV_PASSWORD_FILE);
        KeyStore keys = load(keyStore, password, "key store");
        KeyStore trusted = load(trustStore, password, "trust store");
        try {
            boolean hasKey = false, hasCert = false;
            for (String alias : Collections.list(keys.aliases())) hasKey |= keys.isKeyEntry(alias);
            for (String alias : Collections.list(trusted.aliases())) hasCert |= trusted.getCertificate(alias) != null;
            if (!hasKey) throw new IllegalArgumentException("the cluster key store " + keyStore + " holds no private key");
            if (!hasCert) throw new IllegalArgumentException("the cluster trust store " + trustStore + " holds no certificate");
        } catch (java.security.KeyStoreException e) {
            throw new IllegalArgumentException("cannot read the cluster key store " + keyStore + ": " + e.getMessage());
        }
        return new ClusterTls(keyStore.toAbsolutePath(), trustStore.toAbsolutePath(), password);
    }

    /** As {@link #open}, with the password from the environment ({@value #ENV_PASSWORD} or {@value #ENV_PASSWORD_FILE}). */
    public static ClusterTls open(Path keyStore, Path trustStore, Map<String, String> env) {
        return open(keyStore, trustStore, Secret.read(env, ENV_PASSWORD, ENV_PASSWORD_FILE).orElse(null));
    }

    private static KeyStore load(Path file, String password, String what) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("the cluster " + what + " " + file + " is not a readable file");
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS12, which reads JKS too
            ks.load(in, password.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open the cluster " + what + " " + file
                    + " (not a PKCS12 or JKS store, or not this password): " + e.getClass().getSimpleName());
        }
    }

    /** The Artery settings; values set directly, never parsed from text, so no path or password can change other settings. */
    Config config() {
        String p = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue(p + "key-store", ConfigValueFactory.fromAnyRef(keyStore.toString()))
                .withValue(p + "trust-store", ConfigValueFactory.fromAnyRef(trustStore.toString()))
                .withValue(p + "key-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "key-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "trust-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
                .withValue(p + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withValue(p + "hostname-verification", ConfigValueFactory.fromAnyRef(false));
    }

    public Path keyStore() { return keyStore; }

    public Path trustStore() { return trustStore; }

    @Override public String toString() {
        return "ClusterTls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", password=***]";
    }
}
