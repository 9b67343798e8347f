package io.scopeenforcer.token;

/**
 * Structural checks on a compact serialization, made before anything is decoded.
 */
final class CompactJws {

    /** How a token string is shaped. */
    enum Shape {
        /** Three segments, each canonical base64url, header and payload non-empty. */
        JWS,
        /** Five segments: a JWE, never decoded (a PBES2 header with a huge p2c would cost seconds). */
        JWE,
        /** Anything else. */
        MALFORMED
    }

    private CompactJws() {
    }

    /** Classifies the token and, for {@link Shape#JWS}, checks every segment is canonical base64url. */
    static Shape shape(String token, int[] dots) {
        return shape(token, dots, true);
    }

    /**
     * {@link #shape(String, int[])}, where {@code claimsPayload} false drops the two rules that hold for a JWT
     * claims set only (payload non-empty, a JSON object: RFC 7519 §7.2) and keeps every JWS rule (RFC 7515
     * §7.1, an empty payload included). False only for the JWS-layer test seam,
     * {@link TokenVerifier#verifyJwsLayer(TrustedIssuer, String)}.
     */
    static Shape shape(String token, int[] dots, boolean claimsPayload) {
        int count = 0;
        for (int i = token.indexOf('.'); i >= 0; i = token.indexOf('.', i + 1)) {
            if (count < 2) {
                dots[count] = i;
            }
            count++;
            if (count > 4) {
                return Shape.MALFORMED;
            }
        }
        if (count == 4) {
            return Shape.JWE;
        }
        if (count != 2) {
            return Shape.MALFORMED;
        }
        int d1 = dots[0];
        int d2 = dots[1];
        if (d1 == 0 || (claimsPayload && d2 == d1 + 1)) {
            return Shape.MALFORMED;
        }
        boolean canonical = isCanonicalBase64Url(token, 0, d1)
                && isCanonicalBase64Url(token, d1 + 1, d2)
                && isCanonicalBase64Url(token, d2 + 1, token.length());
        return canonical && encodesJsonObject(token, 0, d1)
                && (!claimsPayload || encodesJsonObject(token, d1 + 1, d2))
                ? Shape.JWS : Shape.MALFORMED;
    }

    /**
     * True when the first non-whitespace byte that {@code s[from, to)} encodes is {@code '{'}. Nimbus's JSON
     * parser (Gson) also reads {@code [["iss","x"]]} as a map; a header or claims set must be a JSON object
     * (RFC 7515 §4, RFC 7519 §7.2). Only the first few characters are decoded.
     */
    static boolean encodesJsonObject(String s, int from, int to) {
        int bits = 0;
        int buffer = 0;
        for (int i = from; i < to; i++) {
            buffer = (buffer << 6) | value(s.charAt(i));
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int b = (buffer >> bits) & 0xFF;
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return b == '{';
                }
            }
        }
        return false;
    }

    /**
     * True when {@code s[from, to)} is base64url exactly as RFC 7515 §2 writes it: the URL-safe alphabet
     * only, no padding, no impossible length, and zero unused bits in the last character. Lenient decoders
     * map several strings to the same bytes; accepting them would let one signature stand behind many
     * different token strings (distinct cache keys, deny-lists by token string bypassed).
     */
    static boolean isCanonicalBase64Url(String s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false;
        }
        int last = 0;
        for (int i = from; i < to; i++) {
            last = value(s.charAt(i));
            if (last < 0) {
                return false;
            }
        }
        switch (length % 4) {
            case 2:
                return (last & 0x0F) == 0;
            case 3:
                return (last & 0x03) == 0;
            default:
                return true;
        }
    }

    /** The base64url alphabet (RFC 4648 §5) as values, -1 elsewhere. */
    private static final byte[] VALUES = values();

    private static byte[] values() {
        byte[] values = new byte[128];
        java.util.Arrays.fill(values, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int v = 0; v < alphabet.length(); v++) {
            values[alphabet.charAt(v)] = (byte) v;
        }
        return values;
    }

    /** By table: a chain of range tests mispredicts on random base64 every few characters, for every token. */
    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }
}
