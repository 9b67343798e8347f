package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.Denials.assertDenied;
import static io.scopeenforcer.servlet.Denials.assertReached;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.TestIssuer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Correctly signed tokens with hostile claims, over HTTP: time claims far in the future or out of range, a
 * {@code sub} of the wrong type or empty, claims bytes that are not UTF-8. Each is a 401 {@code invalid_token}
 * with an exact description and never reaches the application; the valid neighbours of each row are allowed with
 * the exact principal.
 */
@OnEachContainer
class HostileClaimsHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String ROUTE = "/paas/analytics/x";
    private static final String TIME_RANGE = "a token time claim is not a number of seconds in range";
    private static final String WRONG_TYPE = "a token claim has the wrong type";
    private static final String NOBODY = "the token names neither a subject nor a client";
    private static final String NOT_UTF8 = "the token claims are not a valid UTF-8 JSON object";
    /** 9999-12-31T23:59:59Z plus one second: the first NumericDate of year 10000. */
    private static final long YEAR_10000 = 253_402_300_800L;

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static TestIssuer.TokenBuilder token() {
        return IDP.token().scope(ANALYTICS_READ);
    }

    /**
     * A signed token whose payload is the default claims without {@code name}, then {@code "name":rawJson}
     * written as is: for numbers that no Java number type prints, such as 2^63.
     */
    private static String withRawMember(String name, String rawJson) {
        Map<String, Object> claims = token().claim(name, null).claims();
        String json = JSONObjectUtils.toJSONString(claims);
        return token().rawPayload(json.substring(0, json.length() - 1) + ",\"" + name + "\":" + rawJson + "}").sign();
    }

    /** A signed token whose {@code sub} string holds these bytes exactly, inside otherwise valid UTF-8 JSON. */
    private static String withSubjectBytes(byte... bytes) {
        Map<String, Object> claims = token().subject("MARK").claims();
        String[] around = JSONObjectUtils.toJSONString(claims).split("MARK", 2);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(around[0].getBytes(StandardCharsets.UTF_8));
        payload.writeBytes(bytes);
        payload.writeBytes(around[1].getBytes(StandardCharsets.UTF_8));
        return token().rawPayloadBytes(payload.toByteArray()).sign();
    }

    private static Reply get(FilterServer server, String token) {
        return server.get(ROUTE, "Authorization", "Bearer " + token);
    }

    private static void assertInvalidToken(Reply reply, String token, String detail) {
        assertDenied(reply, 401, detail, "invalid_token", null);
        assertNothingEchoed(reply, token);
    }

    // ---- 3. Time claims.

    static Stream<Arguments> timeClaims() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("nbf 1e16", token().claim("nbf", 1e16).sign(), TIME_RANGE),
                Arguments.of("nbf 2^63", withRawMember("nbf", "9223372036854775808"), TIME_RANGE),
                Arguments.of("nbf 1e20", token().claim("nbf", 1e20).sign(), TIME_RANGE),
                // RFC 8259 §6 lets a parser limit the range of numbers: 1e400 is no double, so the payload is
                // refused as JSON before any claim is read.
                Arguments.of("nbf 1e400 (beyond a double)", withRawMember("nbf", "1e400"), NOT_UTF8),
                Arguments.of("nbf Long.MAX_VALUE", token().claim("nbf", Long.MAX_VALUE).sign(), TIME_RANGE),
                Arguments.of("nbf year 10000", token().claim("nbf", YEAR_10000).sign(), TIME_RANGE),
                Arguments.of("nbf negative", token().claim("nbf", -1L).sign(), TIME_RANGE),
                Arguments.of("nbf as a string", token().claim("nbf", Long.toString(now)).sign(), TIME_RANGE),
                Arguments.of("iat 1e20", token().claim("iat", 1e20).sign(), TIME_RANGE),
                Arguments.of("iat 2^63", withRawMember("iat", "9223372036854775808"), TIME_RANGE),
                Arguments.of("iat Long.MAX_VALUE", token().claim("iat", Long.MAX_VALUE).sign(), TIME_RANGE),
                Arguments.of("exp 1e16", token().claim("exp", 1e16).sign(), TIME_RANGE),
                Arguments.of("exp 2^63", withRawMember("exp", "9223372036854775808"), TIME_RANGE),
                Arguments.of("exp 1e20", token().claim("exp", 1e20).sign(), TIME_RANGE),
                Arguments.of("exp Long.MAX_VALUE", token().claim("exp", Long.MAX_VALUE).sign(), TIME_RANGE),
                Arguments.of("exp negative", token().claim("exp", -1L).sign(), TIME_RANGE),
                Arguments.of("exp -2^63", withRawMember("exp", "-9223372036854775809"), TIME_RANGE),
                Arguments.of("exp year 10000", token().claim("exp", YEAR_10000).sign(), TIME_RANGE),
                Arguments.of("exp as a boolean", token().claim("exp", true).sign(), TIME_RANGE),
                Arguments.of("exp as an array", withRawMember("exp", "[" + (now + 300) + "]"), TIME_RANGE),
                Arguments.of("no exp", token().claim("exp", null).sign(), "the token has no expiry"),
                Arguments.of("exp null", withRawMember("exp", "null"), "the token has no expiry"),
                Arguments.of("nbf 120 s ahead: past the 60 s skew", token().notBeforeIn(Duration.ofSeconds(120))
                        .sign(), "the token is not yet valid"),
                Arguments.of("iat 120 s ahead", token().issuedAt(Instant.now().plusSeconds(120)).sign(),
                        "the token is not yet valid"),
                Arguments.of("exp year 9999 but nbf far ahead", token().claim("exp", YEAR_10000 - 1)
                        .claim("nbf", YEAR_10000 - 2).sign(), "the token is not yet valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeClaims")
    void filterWhenTimeClaimHostileThenInvalidToken(String name, String token, String detail, FilterServer server) {
        assertInvalidToken(get(server, token), token, detail);
    }

    static Stream<Arguments> validTimes() {
        return Stream.of(
                Arguments.of("nbf 30 s ahead: within the 60 s skew", token().notBeforeIn(Duration.ofSeconds(30))
                        .sign()),
                Arguments.of("nbf now", token().notBeforeIn(Duration.ZERO).sign()),
                Arguments.of("iat 30 s ahead", token().issuedAt(Instant.now().plusSeconds(30)).sign()),
                Arguments.of("exp at the last second of year 9999", token().claim("exp", YEAR_10000 - 1).sign()),
                Arguments.of("fractional times", token().claim("iat", Instant.now().getEpochSecond() + 0.5)
                        .claim("exp", Instant.now().getEpochSecond() + 300.25).sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTimes")
    void filterWhenTimeClaimsInRangeThenAllowed(String name, String token, FilterServer server) {
        Reply reply = get(server, token);
        assertReached(reply);
        assertEquals("alice", reply.echo().get("principal"));
        assertNothingEchoed(reply, token);
    }

    // ---- 6. sub of the wrong type, or empty.

    static Stream<Arguments> subjects() {
        return Stream.of(
                Arguments.of("sub a number", token().claim("sub", 5).sign(), WRONG_TYPE),
                Arguments.of("sub an object", token().claim("sub", Map.of()).sign(), WRONG_TYPE),
                Arguments.of("sub an array", token().claim("sub", List.of()).sign(), WRONG_TYPE),
                Arguments.of("sub an array of a string", token().claim("sub", List.of("alice")).sign(), WRONG_TYPE),
                Arguments.of("sub true", token().claim("sub", true).sign(), WRONG_TYPE),
                Arguments.of("client_id a number", token().claim("client_id", 7).sign(), WRONG_TYPE),
                Arguments.of("iss a number", token().claim("iss", 7).sign(), WRONG_TYPE),
                Arguments.of("jti an object", token().claim("jti", Map.of("a", 1)).sign(), WRONG_TYPE),
                Arguments.of("tenant claim an array", token().claim("bi_t", List.of("acme")).sign(), WRONG_TYPE),
                Arguments.of("sub empty, no client id", token().subject("").clientId(null).sign(), NOBODY),
                Arguments.of("sub null, no client id", token().noSubject().clientId(null).sign(), NOBODY),
                Arguments.of("no sub, client id empty", token().noSubject().clientId("").sign(), NOBODY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void filterWhenSubjectHostileThenInvalidToken(String name, String token, String detail, FilterServer server) {
        assertInvalidToken(get(server, token), token, detail);
    }

    static Stream<Arguments> principals() {
        return Stream.of(
                Arguments.of("sub empty, client id", token().subject("").clientId("svc-42").sign(), "svc-42"),
                Arguments.of("no sub, azp", token().noSubject().clientId(null).claim("azp", "svc-azp").sign(),
                        "svc-azp"),
                Arguments.of("sub with é", token().subject("jos\u00e9").sign(), "jos\u00e9"),
                Arguments.of("sub with an emoji", token().subject("\uD83D\uDE00-user").sign(), "\uD83D\uDE00-user"),
                Arguments.of("sub with CJK", token().subject("\u7528\u6237").sign(), "\u7528\u6237"),
                Arguments.of("sub as UTF-8 bytes", withSubjectBytes((byte) 0xC3, (byte) 0xA9), "\u00e9"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void filterWhenSubjectUnusualButValidThenPrincipalExact(String name, String token, String principal,
            FilterServer server) {
        Reply reply = get(server, token);
        assertReached(reply);
        assertEquals(principal, reply.echo().get("principal"));
        assertEquals(principal, reply.echo().get("subject"));
        assertNothingEchoed(reply, token);
    }

    // ---- 7. Claims bytes that are not UTF-8 (RFC 7519 §7.2, RFC 8259 §8.1; RFC 3629 §3 forbids overlong forms
    // and encoded surrogates).

    static Stream<Arguments> notUtf8() {
        return Stream.of(
                Arguments.of("lone 0xFF", withSubjectBytes((byte) 0xFF)),
                Arguments.of("overlong / (C0 AF)", withSubjectBytes((byte) 0xC0, (byte) 0xAF)),
                Arguments.of("truncated sequence (C3)", withSubjectBytes((byte) 'a', (byte) 0xC3)),
                Arguments.of("encoded surrogate (ED A0 80)", withSubjectBytes((byte) 0xED, (byte) 0xA0, (byte) 0x80)),
                Arguments.of("Latin-1 é (E9)", withSubjectBytes((byte) 'j', (byte) 0xE9)),
                Arguments.of("lone continuation byte (80)", withSubjectBytes((byte) 0x80)),
                Arguments.of("beyond U+10FFFF (F4 90 80 80)", withSubjectBytes((byte) 0xF4, (byte) 0x90, (byte) 0x80,
                        (byte) 0x80)),
                Arguments.of("overlong NUL (C0 80)", withSubjectBytes((byte) 0xC0, (byte) 0x80)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUtf8")
    void filterWhenClaimsNotUtf8ThenInvalidToken(String name, String token, FilterServer server) {
        assertInvalidToken(get(server, token), token, NOT_UTF8);
    }
}
