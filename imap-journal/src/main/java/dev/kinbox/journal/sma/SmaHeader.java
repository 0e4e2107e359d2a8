package dev.kinbox.journal.sma;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code Autocrypt-SMA} header every SMA message carries (docs/PROTOCOL.md, "The Autocrypt-SMA
 * header"): {@code v=1; kind=<kind>; device=<deviceId>} followed by kind-specific attributes, all
 * {@code name=value} pairs separated by {@code "; "}. Parsing is strict and bounded; formatting is
 * canonical (fixed attributes first, the rest sorted by name), so the same header is always the same
 * bytes and {@link #messageId()} is deterministic.
 *
 * @param version    protocol version; only {@link #VERSION} is understood
 * @param kind       what the message is
 * @param device     the author's device id (16 lowercase hex digits)
 * @param attributes the kind-specific attributes, sorted by name
 */
public record SmaHeader(int version, Kind kind, String device, SortedMap<String, String> attributes) {
    /** The header's field name. */
    public static final String NAME = "Autocrypt-SMA";
    /** The protocol version this code writes and reads. */
    public static final int VERSION = 1;
    /** Longest header value accepted, before any parsing. */
    public static final int MAX_LENGTH = 1024;
    /** Most kind-specific attributes accepted. */
    public static final int MAX_ATTRIBUTES = 16;

    private static final Pattern ATTR_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern ATTR_VALUE = Pattern.compile("[A-Za-z0-9._+-]{1,128}");

    /** The kinds of SMA message. */
    public enum Kind {
        ANNOUNCE, JOURNAL, SNAPSHOT, DROP;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind fromWire(String s) throws SmaFormatException {
            for (Kind k : values()) if (k.wire().equals(s)) return k;
            throw new SmaFormatException("unknown SMA message kind '" + s + "'");
        }
    }

    public SmaHeader {
        if (version != VERSION) throw new IllegalArgumentException("unsupported SMA version " + version);
        if (kind == null) throw new IllegalArgumentException("kind is required");
        if (!SmaFolders.isDeviceId(device)) throw new IllegalArgumentException("device id must be 16 lowercase hex digits");
        if (attributes.size() > MAX_ATTRIBUTES) throw new IllegalArgumentException("too many attributes");
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!ATTR_NAME.matcher(e.getKey()).matches() || isFixed(e.getKey())) {
                throw new IllegalArgumentException("bad attribute name '" + e.getKey() + "'");
            }
            if (!ATTR_VALUE.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("bad value for attribute '" + e.getKey() + "'");
            }
        }
        attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    }

    /** A v1 header of the given kind and attributes. */
    public static SmaHeader of(Kind kind, String device, Map<String, String> attributes) {
        return new SmaHeader(VERSION, kind, device, new TreeMap<>(attributes));
    }

    /** The value of an attribute, or a format error naming it when it is missing. */
    public String require(String name) throws SmaFormatException {
        String v = attributes.get(name);
        if (v == null) throw new SmaFormatException(kind.wire() + " header lacks attribute '" + name + "'");
        return v;
    }

    /** The canonical header value. */
    public String format() {
        StringBuilder sb = new StringBuilder("v=").append(version)
                .append("; kind=").append(kind.wire())
                .append("; device=").append(device);
        attributes.forEach((k, v) -> sb.append("; ").append(k).append('=').append(v));
        return sb.toString();
    }

    /**
     * The deterministic Message-ID of the message this header describes, so that a retried APPEND can
     * be recognised as a duplicate: {@code <kind.device[.name-value]*@sma.kinbox.invalid>}.
     */
    public String messageId() {
        StringBuilder sb = new StringBuilder("<").append(kind.wire()).append('.').append(device);
        attributes.forEach((k, v) -> sb.append('.').append(k).append('-').append(v));
        return sb.append("@sma.kinbox.invalid>").toString();
    }

    /** Parses a header value; anything but a well-formed v1 header is a {@link SmaFormatException}. */
    public static SmaHeader parse(String value) throws SmaFormatException {
        if (value == null) throw new SmaFormatException("missing " + NAME + " header");
        if (value.length() > MAX_LENGTH) throw new SmaFormatException(NAME + " header longer than " + MAX_LENGTH);
        String[] parts = value.trim().split(";", MAX_ATTRIBUTES + 4);
        if (parts.length > MAX_ATTRIBUTES + 3) throw new SmaFormatException(NAME + " header has too many attributes");
        String v = null, kind = null, device = null;
        TreeMap<String, String> attrs = new TreeMap<>();
        for (String part : parts) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) throw new SmaFormatException("malformed attribute '" + abbreviate(p) + "'");
            String name = p.substring(0, eq).trim();
            String val = p.substring(eq + 1).trim();
            if (!ATTR_NAME.matcher(name).matches()) throw new SmaFormatException("malformed attribute name '" + abbreviate(name) + "'");
            if (!ATTR_VALUE.matcher(val).matches()) throw new SmaFormatException("malformed value for '" + name + "'");
            boolean dup = switch (name) {
                case "v" -> v != null;
                case "kind" -> kind != null;
                case "device" -> device != null;
                default -> attrs.containsKey(name);
            };
            if (dup) throw new SmaFormatException("attribute '" + name + "' given twice");
            switch (name) {
                case "v" -> v = val;
                case "kind" -> kind = val;
                case "device" -> device = val;
                default -> attrs.put(name, val);
            }
        }
        if (v == null || kind == null || device == null) throw new SmaFormatException(NAME + " header needs v, kind and device");
        if (!v.equals(String.valueOf(VERSION))) throw new SmaFormatException("unsupported SMA version '" + v + "'");
        if (!SmaFolders.isDeviceId(device)) throw new SmaFormatException("device id must be 16 lowercase hex digits");
        return new SmaHeader(VERSION, Kind.fromWire(kind), device, attrs);
    }

    private static boolean isFixed(String name) {
        return name.equals("v") || name.equals("kind") || name.equals("device");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
