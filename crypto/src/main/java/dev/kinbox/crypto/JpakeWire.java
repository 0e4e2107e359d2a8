package dev.kinbox.crypto;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound3Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Binary wire format of the EC J-PAKE pairing messages (docs/PROTOCOL.md "Pairing"):
 * {@code 'K' 'P' version type} then the fields; points SEC1-compressed (33 bytes),
 * scalars unsigned and the MAC tag two's-complement big-endian, 32 bytes each, the participant id as one length
 * octet plus UTF-8. Every decode checks lengths and curve membership first.
 */
final class JpakeWire {
    static final int VERSION = 1;
    static final int ROUND1 = 1, ROUND2 = 2, ROUND3 = 3, PAYLOAD = 4;
    static final ECJPAKECurve CURVE = ECJPAKECurves.NIST_P256;
    static final int POINT = 33, SCALAR = 32, MAX_ID = 64;
    static final int MAX_MESSAGE = 1 << 20;
    private static final Constructor<ECSchnorrZKP> ZKP;

    static {
        try {
            // BC keeps this constructor package-private; decoding a received proof needs it
            ZKP = ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
            ZKP.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private JpakeWire() {}

    static byte[] round1(ECJPAKERound1Payload p) {
        Out o = new Out(ROUND1, p.getParticipantId());
        o.point(p.getGx1()).point(p.getGx2()).zkp(p.getKnowledgeProofForX1()).zkp(p.getKnowledgeProofForX2());
        return o.bytes();
    }

    static byte[] round2(ECJPAKERound2Payload p) {
        return new Out(ROUND2, p.getParticipantId()).point(p.getA()).zkp(p.getKnowledgeProofForX2s()).bytes();
    }

    static byte[] round3(ECJPAKERound3Payload p) {
        return new Out(ROUND3, p.getParticipantId()).signed(p.getMacTag()).bytes();
    }

    static ECJPAKERound1Payload readRound1(byte[] b) throws CryptoException.PairingAborted {
        In in = new In(b, ROUND1);
        ECJPAKERound1Payload p = new ECJPAKERound1Payload(in.id, in.point(), in.point(), in.zkp(), in.zkp());
        in.end();
        return p;
    }

    static ECJPAKERound2Payload readRound2(byte[] b) throws CryptoException.PairingAborted {
        In in = new In(b, ROUND2);
        ECJPAKERound2Payload p = new ECJPAKERound2Payload(in.id, in.point(), in.zkp());
        in.end();
        return p;
    }

    static ECJPAKERound3Payload readRound3(byte[] b) throws CryptoException.PairingAborted {
        In in = new In(b, ROUND3);
        ECJPAKERound3Payload p = new ECJPAKERound3Payload(in.id, in.signed());
        in.end();
        return p;
    }

    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream(300);

        Out(int type, String id) {
            b.writeBytes(new byte[] {'K', 'P', VERSION, (byte) type});
            byte[] idb = id.getBytes(StandardCharsets.UTF_8);
            b.write(idb.length);
            b.writeBytes(idb);
        }

        Out point(ECPoint p) {
            b.writeBytes(p.getEncoded(true));
            return this;
        }

        Out scalar(BigInteger v) {
            byte[] raw = v.toByteArray();
            byte[] fixed = new byte[SCALAR];
            int n = Math.min(raw.length, SCALAR);
            System.arraycopy(raw, raw.length - n, fixed, SCALAR - n, n);
            b.writeBytes(fixed);
            return this;
        }

        /** BC's MAC tag is a signed BigInteger of 32 MAC bytes: two's complement, sign-extended. */
        Out signed(BigInteger v) {
            byte[] raw = v.toByteArray();
            byte[] fixed = new byte[SCALAR];
            java.util.Arrays.fill(fixed, (byte) (v.signum() < 0 ? 0xff : 0));
            int n = Math.min(raw.length, SCALAR);
            System.arraycopy(raw, raw.length - n, fixed, SCALAR - n, n);
            b.writeBytes(fixed);
            return this;
        }

        Out zkp(ECSchnorrZKP z) {
            return point(z.getV()).scalar(z.getr());
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    private static final class In {
        final ByteBuffer buf;
        final String id;

        In(byte[] b, int type) throws CryptoException.PairingAborted {
            if (b == null || b.length < 5 || b.length > MAX_MESSAGE) throw abort("bad message length");
            buf = ByteBuffer.wrap(b);
            if (buf.get() != 'K' || buf.get() != 'P') throw abort("not a pairing message");
            if (buf.get() != VERSION) throw abort("unsupported pairing version");
            if (buf.get() != type) throw abort("expected pairing message type " + type);
            int len = buf.get() & 0xff;
            if (len == 0 || len > MAX_ID || buf.remaining() < len) throw abort("bad participant id");
            byte[] idb = new byte[len];
            buf.get(idb);
            id = new String(idb, StandardCharsets.UTF_8);
        }

        ECPoint point() throws CryptoException.PairingAborted {
            if (buf.remaining() < POINT) throw abort("truncated point");
            byte[] p = new byte[POINT];
            buf.get(p);
            try {
                ECPoint pt = CURVE.getCurve().decodePoint(p);
                if (pt.isInfinity() || !pt.isValid()) throw abort("invalid point");
                return pt;
            } catch (IllegalArgumentException e) {
                throw abort("invalid point");
            }
        }

        BigInteger scalar() throws CryptoException.PairingAborted {
            if (buf.remaining() < SCALAR) throw abort("truncated scalar");
            byte[] s = new byte[SCALAR];
            buf.get(s);
            return new BigInteger(1, s);
        }

        BigInteger signed() throws CryptoException.PairingAborted {
            if (buf.remaining() < SCALAR) throw abort("truncated MAC tag");
            byte[] s = new byte[SCALAR];
            buf.get(s);
            return new BigInteger(s);
        }

        ECSchnorrZKP zkp() throws CryptoException.PairingAborted {
            ECPoint v = point();
            BigInteger r = scalar();
            try {
                return ZKP.newInstance(v, r);
            } catch (ReflectiveOperationException e) {
                throw abort("cannot decode proof");
            }
        }

        void end() throws CryptoException.PairingAborted {
            if (buf.hasRemaining()) throw abort("trailing bytes");
        }
    }

    static CryptoException.PairingAborted abort(String why) {
        return new CryptoException.PairingAborted("pairing aborted: " + why);
    }
}
