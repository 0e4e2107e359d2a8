package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.SmtpSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** {@code smtp://[USER@]HOST:PORT[?tls=none|starttls|tls]} (default starttls; none only to loopback). */
final class SmtpUrl {
    private static final String KEY = RemailerConfig.Settings.P + "smtp.url";

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
        try {
            return new SmtpSettings(u.getHost(), u.getPort(), tls, user, password, Duration.ofSeconds(10), Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.Invalid(KEY, e.getMessage());
        }
    }
}
