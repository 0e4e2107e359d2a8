package dev.kinbox.journal.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust for a TLS client (IMAP, SMTP) that should not use the JVM's default trust store: a private
 * CA or a relay's own certificate, read from PEM. The context trusts exactly the given certificates
 * (as anchors; the host name is still checked by the mail client). Also the one place that tells
 * why a handshake failed, in words fit for a log line.
 */
public final class TlsTrust {
    /** Why a TLS handshake failed, as far as the JDK's exceptions tell. */
    public enum Failure {
        /** The chain does not lead to a trusted certificate. */
        UNTRUSTED("TLS handshake failed: the server certificate is not trusted"),
        /** The certificate is trusted but not issued for the host name that was dialled. */
        HOST_NAME("TLS handshake failed: the server certificate is not valid for this host name"),
        /** Anything else (protocol versions, a closed connection mid-handshake...). */
        OTHER("TLS handshake failed (certificate not trusted or name mismatch?)");

        private final String text;

        Failure(String text) {
            this.text = text;
        }

        /** One line, never the JDK's full text (which can be long and repeats the certificate). */
        public String describe() {
            return text;
        }
    }

    private static final int MAX_CERTIFICATES = 64;
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private TlsTrust() {}

    /** A client context whose only trust anchors are {@code certificates} (at least one). */
    public static SSLContext trusting(List<X509Certificate> certificates) {
        if (certificates == null || certificates.isEmpty()) throw new IllegalArgumentException("no certificate to trust");
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < certificates.size(); i++) trust.setCertificateEntry("trusted-" + i, certificates.get(i));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS client context", e);
        }
    }

    /**
     * The X.509 certificates of a PEM text ({@code -----BEGIN CERTIFICATE-----} blocks; anything
     * between blocks is ignored). Throws {@link IllegalArgumentException} with a short reason when
     * there is none, a block is unterminated or does not decode, or there are more than 64.
     */
    public static List<X509Certificate> readPem(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 support", e);
        }
        int at = text.indexOf(BEGIN);
        while (at >= 0) {
            if (out.size() == MAX_CERTIFICATES) throw new IllegalArgumentException("more than " + MAX_CERTIFICATES + " certificates");
            int end = text.indexOf(END, at);
            if (end < 0) throw new IllegalArgumentException("certificate " + (out.size() + 1) + " has no END line");
            byte[] block = text.substring(at, end + END.length()).getBytes(StandardCharsets.US_ASCII);
            try {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(block)));
            } catch (CertificateException | ClassCastException e) {
                throw new IllegalArgumentException("certificate " + (out.size() + 1) + " does not decode as X.509");
            }
            at = text.indexOf(BEGIN, end);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        return List.copyOf(out);
    }

    /** Why the handshake behind {@code t} (or one of its causes) failed. */
    public static Failure classify(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 20; c = c.getCause(), depth++) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof CertificateException && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return Failure.HOST_NAME;
            }
            if (c instanceof java.security.cert.CertPathBuilderException
                    || c instanceof java.security.cert.CertPathValidatorException
                    || c.getClass().getName().endsWith("ValidatorException")) {
                return Failure.UNTRUSTED;
            }
            if (m.startsWith("Server identity does not match")) return Failure.HOST_NAME;
        }
        return Failure.OTHER;
    }
}
