package io.scopeenforcer.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * Reads a token's claims set as the JSON it is, before any library converts it: strict UTF-8, and the
 * registered claims with the types RFC 7519 gives them. Nimbus is lenient where a verifier must not be: it
 * decodes bytes that are not UTF-8 into U+FFFD, turns {@code "sub": 5} into {@code "5"}, and multiplies
 * {@code exp}/{@code nbf}/{@code iat} seconds by 1000 into a {@code long} that overflows for values past
 * about 9.2e15 (so {@code nbf: 1e16} lands in the past). Stateless.
 */
final class ClaimsJson {

    /** {@link #epochSeconds} of an absent claim. */
    static final long ABSENT = Long.MIN_VALUE;
    /** {@link #epochSeconds} of a claim that is not a number of seconds within {@link #MAX_SECONDS}. */
    static final long OUT_OF_RANGE = Long.MIN_VALUE + 1;
    /**
     * The latest NumericDate accepted: 9999-12-31T23:59:59Z. Far enough for any real token, and small enough
     * that {@code seconds * 1000} plus any clock skew stays far below {@code Long.MAX_VALUE}.
     */
    static final long MAX_SECONDS = 253_402_300_799L;

    private ClaimsJson() {
    }

    /**
     * The claims set as a JSON object, or null when the bytes are not UTF-8 (RFC 8259 §8.1) or not one JSON
     * object (duplicate member names included: the parser refuses them).
     */
    static Map<String, Object> parse(byte[] payload) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            return null;
        }
    }

    /**
     * A NumericDate claim (RFC 7519 §2) as whole seconds: {@link #ABSENT} when absent or null, {@link #OUT_OF_RANGE}
     * when not a finite number in {@code [0, MAX_SECONDS]}. A fraction is dropped (the claim is compared in
     * whole seconds, as Nimbus does).
     */
    static long epochSeconds(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value == null) {
            return ABSENT;
        }
        if (!(value instanceof Number)) {
            return OUT_OF_RANGE;
        }
        double seconds = ((Number) value).doubleValue();
        // A Long beyond 2^53 loses precision as a double, but anything that large is out of range anyway.
        if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
            return OUT_OF_RANGE; // also NaN
        }
        return value instanceof Long || value instanceof Integer ? ((Number) value).longValue() : (long) seconds;
    }

    /**
     * A claim that must be a string: null when absent or JSON null, or when the string is empty (an empty
     * {@code sub} names nobody, so it counts as absent).
     *
     * @throws ParseException when present with another JSON type
     */
    static String string(Map<String, Object> claims, String name) throws ParseException {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new ParseException("claim " + name + " is not a string", 0);
        }
        String s = (String) value;
        return s.isEmpty() ? null : s;
    }
}
