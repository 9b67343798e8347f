package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of {@link BearerHeader#parse}, the Authorization header parser, against a
 * reference written from RFC 6750 §2.1 ({@code credentials = "Bearer" 1*SP b64token}, the scheme
 * case-insensitive per RFC 9110 §11.1, trailing spaces tolerated): a token comes out exactly when the
 * reference finds one, and it is the same token; a header of another scheme is no token, not an error; a
 * problem is a short constant that never echoes the header. The input is the header value as ISO-8859-1, as
 * a servlet container decodes header bytes.
 */
class BearerHeaderFuzzTest {

    private static final java.util.Set<String> PROBLEMS = java.util.Set.of("empty bearer token",
            "malformed Authorization header", "more than one token in the Authorization header", "malformed bearer token");
    private static final Pattern BEARER = Pattern.compile("[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\\-._~+/]+=*) *");

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"Bearer ", "bearer ", "BEARER ", "Basic ", "Bearer\\x09", "Bearerx", "eyJ", "=", "==", " ",
            ",", "Bearer a, Bearer b", "~+/", "DPoP "})
    void parseWhenFuzzedHeaderThenAgreesWithRfc6750Reference(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1);

        BearerHeader.Result result = BearerHeader.parse(header);

        assertNotNull(result);
        Matcher m = BEARER.matcher(header);
        if (m.matches()) {
            assertEquals(m.group(1), result.token(), () -> "token of " + printable(header));
            assertNull(result.problem());
            return;
        }
        assertNull(result.token(), () -> "a token where RFC 6750 sees none: " + printable(header));
        boolean bearerScheme = header.length() >= 6 && header.substring(0, 6).equalsIgnoreCase("bearer")
                && (header.length() == 6 || header.charAt(6) == ' ' || header.charAt(6) == '\t');
        if (!bearerScheme) {
            assertSame(BearerHeader.NONE, result, () -> "another scheme must be no token: " + printable(header));
            return;
        }
        assertNotNull(result.problem(), () -> "a malformed Bearer header must be a 400: " + printable(header));
        // A constant: it can never echo the header.
        assertTrue(PROBLEMS.contains(result.problem()), result::problem);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
