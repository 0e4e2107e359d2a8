package dev.kinbox.cli.remailer;

/** A remailer configuration that cannot work; nothing was started. Each subtype names the setting. */
public sealed class ConfigException extends Exception
        permits ConfigException.Missing, ConfigException.Invalid, ConfigException.Unreadable {
    private final String setting;

    private ConfigException(String setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The setting's full path (e.g. {@code remailer.imap.url}), or the file itself. */
    public String setting() {
        return setting;
    }

    /** A required setting is absent. */
    public static final class Missing extends ConfigException {
        Missing(String setting) {
            super(setting, "missing setting " + setting, null);
        }
    }

    /** A setting is present but unusable (wrong type, bad URL, bad address, a password in the config text). */
    public static final class Invalid extends ConfigException {
        Invalid(String setting, String why) {
            super(setting, "bad setting " + setting + ": " + why, null);
        }
    }

    /** A file the configuration names (or the configuration itself) cannot be read or parsed. */
    public static final class Unreadable extends ConfigException {
        Unreadable(String setting, String path, String why, Throwable cause) {
            super(setting, "cannot read " + path + " (" + setting + "): " + why, cause);
        }
    }
}
