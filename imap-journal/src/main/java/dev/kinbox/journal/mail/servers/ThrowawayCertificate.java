package dev.kinbox.journal.mail.servers;

import dev.kinbox.journal.mail.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for the IP address 127.0.0.1 only (not "localhost"), valid for two days,
 * made with the JDK's own {@code keytool} (EC P-256) so nothing beyond a JDK is needed. For loopback
 * test servers: {@link #writePem} gives Dovecot its {@code ssl_cert}/{@code ssl_key} files,
 * {@link #serverContext()} serves TLS from Java, {@link #clientContext()} trusts exactly this
 * certificate. The key lives only in memory and in the files the caller asks for.
 */
public final class ThrowawayCertificate {
    private static final String ALIAS = "kinbox-test";
    private static final java.time.Duration KEYTOOL_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ThrowawayCertificate(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Generates a new key pair and certificate (about half a second: one keytool run). */
    public static ThrowawayCertificate forLoopback(SecureRandom random) throws IOException {
        byte[] pw = new byte[12];
        random.nextBytes(pw);
        char[] storepass = HexFormat.of().formatHex(pw).toCharArray();
        Path dir = Files.createTempDirectory("kinbox-cert-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path store = dir.resolve("cert.p12");
        Path out = dir.resolve("keytool.out");
        try {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(storepass), "-keypass", new String(storepass)))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                if (!p.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running keytool");
            }
            if (p.exitValue() != 0) throw new IOException("keytool exited with " + p.exitValue() + ": " + Files.readString(out).strip());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, storepass);
            }
            return new ThrowawayCertificate((X509Certificate) ks.getCertificate(ALIAS), (PrivateKey) ks.getKey(ALIAS, storepass));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the generated certificate", e);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the certificate and the PKCS#8 private key as PEM (the key file readable by its owner only). */
    public void writePem(Path certFile, Path keyFile) throws IOException {
        try {
            Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode the certificate", e);
        }
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(keyFile, pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII));
    }

    /** A client context that trusts this certificate and nothing else. */
    public SSLContext clientContext() {
        return TlsTrust.trusting(List.of(certificate));
    }

    /** A server context presenting this certificate. */
    public SSLContext serverContext() {
        try {
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, none, new Certificate[] {certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS server context", e);
        }
    }

    @Override public String toString() {
        return "ThrowawayCertificate[" + certificate.getSubjectX500Principal() + "]";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
