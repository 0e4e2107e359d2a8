package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.SmtpSettings;
import dev.kinbox.journal.mail.TlsTrust;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code smtp://[USER@]HOST:PORT[?tls=none|starttls|tls]} (default starttls; none only to loopback),
 * and {@code smtp.trust-certificate-file}: PEM certificates to trust instead of the JVM's trust store.
 */
final class SmtpUrl {
    private static final String KEY = RemailerConfig.Settings.P + "smtp.url";
    private static final String TRUST = "smtp.trust-certificate-file";
    private static final int MAX_PEM = 1 << 20;

    private SmtpUrl() {}

    static SmtpSettings parse(String spec, RemailerConfig.Settings s, Map<String, String> env) throws ConfigException {
        URI u;
        try {
            u = new URI(spec);
        } catch (URISyntaxException e) {
            throw new ConfigException.Invalid(KEY, "not a URL: expected smtp://[USER@]HOST:PORT[?tls=none|starttls|tls]");
        }
        if (!"smtp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() < 1 || (u.getPath() != null && !u.getPath().isEmpty())) {
            throw new ConfigException.Invalid(KEY, "expected smtp://[USER@]HOST:PORT[?tls=none|starttls|tls]");
        }
        String user = u.getUserInfo();
        if (user != null && user.contains(":")) throw new ConfigException.Invalid(KEY, "no password in the URL; use smtp.password-env or smtp.password-file");
        SmtpSettings.Tls tls = SmtpSettings.Tls.STARTTLS;
        String q = u.getQuery();
        if (q != null && !q.isEmpty()) {
            String t = q.toLowerCase(Locale.ROOT);
            tls = switch (t) {
                case "tls=none" -> SmtpSettings.Tls.NONE;
                case "tls=starttls" -> SmtpSettings.Tls.STARTTLS;
                case "tls=tls" -> SmtpSettings.Tls.TLS;
                default -> throw new ConfigException.Invalid(KEY, "the only option is tls=none|starttls|tls, not " + q);
            };
        }
        char[] password = user == null ? null : s.password("smtp", env).toCharArray();
        SmtpSettings settings;
        try {
            settings = new SmtpSettings(u.getHost(), u.getPort(), tls, user, password, Duration.ofSeconds(10), Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.Invalid(KEY, e.getMessage());
        }
        return s.optString(TRUST) == null ? settings : withTrust(settings, s);
    }

    private static SmtpSettings withTrust(SmtpSettings settings, RemailerConfig.Settings s) throws ConfigException {
        String key = RemailerConfig.Settings.P + TRUST;
        if (settings.tls() == SmtpSettings.Tls.NONE) throw new ConfigException.Invalid(key, "needs tls=starttls or tls in smtp.url");
        java.nio.file.Path file = s.path(TRUST);
        try {
            return settings.withTrust(TlsTrust.trusting(TlsTrust.readPem(RemailerConfig.read(key, file, MAX_PEM))));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.Invalid(key, file + ": " + e.getMessage());
        }
    }
}
