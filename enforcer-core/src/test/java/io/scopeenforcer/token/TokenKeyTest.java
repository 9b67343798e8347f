package io.scopeenforcer.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key over a part of a header equals the key of the bare token exactly when the tokens are equal, character for
 * character, whatever surrounds them; equal keys hash alike and compare as 0.
 */
class TokenKeyTest {

    private static final String T = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tc2FtcGxl";

    private static TokenKey region(String header, String token) {
        int from = header.indexOf(token);
        return new TokenKey(header, from, from + token.length());
    }

    static Stream<Arguments> pairs() {
        String other = T.substring(0, T.length() - 1) + "X";
        String prefix = T.substring(0, T.length() - 1);
        return Stream.of(
                Arguments.of("bare token and 'Bearer ' header", new TokenKey(T), region("Bearer " + T, T), true),
                Arguments.of("two headers, same shape", region("Bearer " + T, T), region("Bearer " + T, T), true),
                Arguments.of("scheme in another case", region("Bearer " + T, T), region("bearer " + T, T), true),
                Arguments.of("more spaces after the scheme", region("Bearer " + T, T), region("Bearer   " + T, T), true),
                Arguments.of("trailing spaces", region("Bearer " + T + "  ", T), new TokenKey(T), true),
                Arguments.of("same shape, trailing spaces", region("Bearer " + T + "  ", T), region("Bearer " + T + "  ", T), true),
                Arguments.of("last character differs", new TokenKey(T), region("Bearer " + other, other), false),
                Arguments.of("same shape, last character differs", region("Bearer " + T, T), region("Bearer " + other, other), false),
                Arguments.of("first character differs", new TokenKey(T), new TokenKey("f" + T.substring(1)), false),
                Arguments.of("a prefix of the token", new TokenKey(T), region("Bearer " + prefix, prefix), false),
                Arguments.of("same shape, other scheme letters", region("Bearer " + T, T), region("BEARER " + T, T), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void equalsWhenTokensComparedThenEqualExactlyWhenTheTokensAre(String name, TokenKey a, TokenKey b, boolean equal) {
        assertEquals(equal, a.equals(b), name);
        assertEquals(equal, b.equals(a), name + ", reversed");
        if (equal) {
            assertEquals(a.hashCode(), b.hashCode(), name + ": hash");
            assertEquals(0, a.compareTo(b), name + ": compareTo");
        } else {
            assertNotEquals(0, a.compareTo(b), name + ": compareTo");
            assertEquals(-Integer.signum(a.compareTo(b)), Integer.signum(b.compareTo(a)), name + ": compareTo sign");
        }
    }

    /** A probe finds the kept key of the same token, and once released holds no header (the thread keeps no token). */
    @org.junit.jupiter.api.Test
    void probeWhenReleasedThenItHoldsNoHeaderAndFindsNothing() {
        String header = "Bearer " + T;
        TokenKey kept = new TokenKey(T);
        TokenKey probe = TokenKey.probe(header, 7, header.length());
        assertEquals(probe, kept);
        assertEquals(kept.hashCode(), probe.hashCode());
        probe.release();
        assertEquals("TokenKey[length=0]", probe.toString());
        assertNotEquals(probe, kept);
        org.junit.jupiter.api.Assertions.assertNotSame(probe, new TokenKey(header, 7, header.length()),
                "a kept key is never the probe");
    }
}
