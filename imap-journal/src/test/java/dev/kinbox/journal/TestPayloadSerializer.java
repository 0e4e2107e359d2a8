package dev.kinbox.journal;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/** Serializes {@link TestPayload} as "number|text" with manifest "tp1". */
public final class TestPayloadSerializer extends SerializerWithStringManifest {
    @Override public int identifier() { return 911_000; }

    @Override public String manifest(Object o) { return "tp1"; }

    @Override public byte[] toBinary(Object o) {
        TestPayload p = (TestPayload) o;
        return (p.number() + "|" + p.text()).getBytes(StandardCharsets.UTF_8);
    }

    @Override public Object fromBinary(byte[] bytes, String manifest) {
        if (!"tp1".equals(manifest)) throw new IllegalArgumentException("unknown manifest " + manifest);
        String s = new String(bytes, StandardCharsets.UTF_8);
        int bar = s.indexOf('|');
        return new TestPayload(s.substring(bar + 1), Integer.parseInt(s.substring(0, bar)));
    }
}
