package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Opaque tokens by RFC 7662 introspection against a real endpoint (Jetty on loopback) that checks the client's
 * Basic credentials and answers per token. The issuer also keeps its JWT keys: a JWT never reaches the endpoint.
 */
class IntrospectionTest {

    private static final String ISSUER = "https://opaque-idp.example.test";
    private static final String CLIENT = "resource-server";
    private static final String SECRET = "s3cret:with/odd+chars";
    /** The issuer's JWT side, on the system clock like the verifier. */
    private static final io.scopeenforcer.testing.TestIssuer IDP = io.scopeenforcer.testing.TestIssuer.create(ISSUER);
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static Server server;
    private static URI endpoint;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                CALLS.incrementAndGet();
                String expected = "Basic " + Base64.getEncoder().encodeToString(
                        ("resource-server:" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8));
                Fields form = Request.getParameters(request);
                String body;
                int status = 200;
                if (!"POST".equals(request.getMethod()) || !expected.equals(request.getHeaders().get("Authorization"))
                        || !"access_token".equals(form.getValue("token_type_hint"))) {
                    status = 401;
                    body = "{\"error\":\"invalid_client\"}";
                } else {
                    String token = form.getValue("token");
                    body = ANSWERS.getOrDefault(URLDecoder.decode(token, StandardCharsets.UTF_8), "{\"active\":false}");
                    if (body.startsWith("HTTP ")) {
                        status = Integer.parseInt(body.substring(5));
                        body = "{}";
                    }
                }
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/oauth2/v1/introspect");
        long exp = System.currentTimeMillis() / 1000 + 300;
        ANSWERS.put("good-token", "{\"active\":true,\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE
                + "\",\"scope\":\"a b\",\"client_id\":\"legacy-reader\",\"sub\":\"u1\",\"exp\":" + exp + "}");
        ANSWERS.put("no-iss-token", "{\"active\":true,\"aud\":[\"" + AUDIENCE + "\"],\"scope\":\"a\",\"client_id\":"
                + "\"legacy-reader\",\"exp\":" + exp + "}");
        ANSWERS.put("other-aud-token", "{\"active\":true,\"aud\":\"https://elsewhere.example.test\",\"client_id\":"
                + "\"legacy-reader\",\"exp\":" + exp + "}");
        ANSWERS.put("expired-token", "{\"active\":true,\"aud\":\"" + AUDIENCE + "\",\"client_id\":\"c\",\"exp\":"
                + (exp - 3600) + "}");
        ANSWERS.put("no-exp-token", "{\"active\":true,\"aud\":\"" + AUDIENCE + "\",\"client_id\":\"c\"}");
        ANSWERS.put("other-iss-token", "{\"active\":true,\"iss\":\"https://x.example.test\",\"aud\":\"" + AUDIENCE
                + "\",\"client_id\":\"c\",\"exp\":" + exp + "}");
        ANSWERS.put("active-string-token", "{\"active\":\"true\",\"aud\":\"" + AUDIENCE + "\",\"client_id\":\"c\","
                + "\"exp\":" + exp + "}");
        ANSWERS.put("broken-token", "HTTP 500");
        ANSWERS.put("html-token", "<html>");
        // Over the 64 KiB limit: refused as unreachable, not parsed.
        ANSWERS.put("huge-token", "{\"active\":true,\"aud\":\"" + AUDIENCE + "\",\"exp\":" + exp + ",\"pad\":\""
                + "x".repeat(70 * 1024) + "\"}");
        ANSWERS.put("soon-token", "{\"active\":true,\"aud\":\"" + AUDIENCE + "\",\"client_id\":\"c\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 30) + "}");
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static TokenVerifier verifier(String secret) {
        return TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE)
                        .introspection(endpoint, CLIENT, secret).build())
                .cacheMaxEntries(0).build();
    }

    /** Opaque token, then the failure (null: valid). */
    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("good-token", null),
                Arguments.of("no-iss-token", null),
                Arguments.of("unknown-token", TokenFailure.INACTIVE),
                Arguments.of("active-string-token", TokenFailure.INACTIVE),
                Arguments.of("other-iss-token", TokenFailure.INACTIVE),
                Arguments.of("other-aud-token", TokenFailure.WRONG_AUDIENCE),
                Arguments.of("expired-token", TokenFailure.EXPIRED),
                Arguments.of("no-exp-token", TokenFailure.MALFORMED),
                Arguments.of("broken-token", TokenFailure.KEYS_UNAVAILABLE),
                Arguments.of("html-token", TokenFailure.KEYS_UNAVAILABLE),
                Arguments.of("huge-token", TokenFailure.KEYS_UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("tokens")
    void verifyWhenOpaqueTokenThenIntrospected(String token, TokenFailure expected) {
        TokenResult result = verifier(SECRET).verify(token);

        if (expected == null) {
            assertTrue(result instanceof TokenResult.Valid, () -> "expected valid, got " + result);
            VerifiedToken verified = ((TokenResult.Valid) result).token();
            assertEquals(ISSUER, verified.issuer());
            assertEquals("legacy-reader", verified.clientId());
        } else {
            assertEquals(expected, failureOf(result));
        }
    }

    /**
     * An active answer is trusted for {@code introspectionCacheTtl} at most (default 60 s), however far its {@code exp}
     * is (300 s here): the endpoint is asked again after that, so a revocation shows. A JWT of the same verifier keeps
     * its entry until its own {@code exp}. Setting (null: default), seconds later, whether the endpoint is asked again.
     */
    @ParameterizedTest(name = "introspectionCacheTtl {0}, {1} s later: asked again {2}")
    @org.junit.jupiter.params.provider.CsvSource({"  , 59, false", "  , 61, true", "PT10S, 9, false",
        "PT10S, 11, true"})
    void verifyWhenIntrospectedTokenCachedThenAskedAgainAfterTheIntrospectionCacheTtl(String ttl, int later,
            boolean askedAgain) {
        TestClock clock = TestClock.at(Instant.now());
        TrustedIssuer.KeySetBuilder issuer = TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE)
                .introspection(endpoint, CLIENT, SECRET);
        if (ttl != null) {
            issuer.introspectionCacheTtl(Duration.parse(ttl));
        }
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer.build()).clock(clock).build();
        String jwt = IDP.token().now(clock.instant()).expiresIn(Duration.ofMinutes(10)).sign();
        assertTrue(verifier.verify(jwt) instanceof TokenResult.Valid);
        assertTrue(verifier.verify("good-token") instanceof TokenResult.Valid);
        int calls = CALLS.get();

        clock.advance(Duration.ofSeconds(later));
        assertTrue(verifier.verify("good-token") instanceof TokenResult.Valid);
        assertEquals(askedAgain ? calls + 1 : calls, CALLS.get());
        long hits = verifier.stats().hits();
        assertTrue(verifier.verify(jwt) instanceof TokenResult.Valid);
        assertEquals(hits + 1, verifier.stats().hits(), "the JWT's entry is not cut to the introspection lifetime");
    }

    /** An answer whose {@code exp} comes before the cache lifetime is cached until its {@code exp} only (RFC 7662 §2.2). */
    @Test
    void verifyWhenIntrospectedTokenExpiresBeforeTheCacheTtlThenItsEntryEndsAtExp() {
        TestClock clock = TestClock.at(Instant.now());
        TokenVerifier verifier = TokenVerifier.newBuilder().clock(clock).trust(TrustedIssuer.jwkSet(ISSUER,
                IDP.publicJwkSet()).audience(AUDIENCE).introspection(endpoint, CLIENT, SECRET)
                .introspectionCacheTtl(Duration.ofMinutes(5)).build()).build();
        assertTrue(verifier.verify("soon-token") instanceof TokenResult.Valid);
        int calls = CALLS.get();
        clock.advance(Duration.ofSeconds(20));
        assertTrue(verifier.verify("soon-token") instanceof TokenResult.Valid);
        assertEquals(calls, CALLS.get(), "cached before its exp");
        clock.advance(Duration.ofSeconds(75)); // past exp and its 60 s skew, well within the 5 min lifetime
        assertEquals(TokenFailure.EXPIRED, failureOf(verifier.verify("soon-token")));
    }

    /** An endpoint nobody listens on: 503 (keys unavailable), not the client's fault. */
    @Test
    void verifyWhenIntrospectionEndpointDownThenKeysUnavailable() {
        TokenVerifier verifier = TokenVerifier.newBuilder().cacheMaxEntries(0).trust(TrustedIssuer.jwkSet(ISSUER,
                IDP.publicJwkSet()).audience(AUDIENCE).introspection(URI.create("http://127.0.0.1:1/introspect"),
                CLIENT, SECRET).build()).build();
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier.verify("good-token")));
    }

    @Test
    void introspectionCacheTtlWhenOutOfRangeOrWithoutIntrospectionThenRefused() {
        TrustedIssuer.KeySetBuilder issuer = TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE);
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(1).plusSeconds(1)}) {
            assertEquals("introspectionCacheTtl must be positive and at most one day, got " + bad,
                    assertThrows(IllegalArgumentException.class, () -> issuer.introspectionCacheTtl(bad)).getMessage());
        }
        issuer.introspectionCacheTtl(Duration.ofSeconds(5));
        assertEquals("issuer " + ISSUER + ": introspectionCacheTtl needs introspection",
                assertThrows(IllegalStateException.class, issuer::build).getMessage());
    }

    @Test
    void verifyWhenGoodTokenThenScopesAndSubjectFromTheAnswer() {
        VerifiedToken token = ((TokenResult.Valid) verifier(SECRET).verify("good-token")).token();
        assertEquals("a b", token.scopes().toSpaceDelimited());
        assertEquals("u1", token.subject());
    }

    @Test
    void verifyWhenClientSecretWrongThenKeysUnavailable() {
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, failureOf(verifier("wrong-secret").verify("good-token")));
    }

    @Test
    void verifyWhenJwtOrNotB64TokenThenEndpointNotAsked() {
        TokenVerifier verifier = verifier(SECRET);
        int before = CALLS.get();
        assertTrue(verifier.verify(IDP.token().sign()) instanceof TokenResult.Valid);
        assertEquals(TokenFailure.MALFORMED, failureOf(verifier.verify("not a b64token")));
        assertEquals(TokenFailure.MALFORMED, failureOf(verifier.verify("===")));
        assertEquals(before, CALLS.get());
    }

    @Test
    void verifyWhenNoIssuerIntrospectsThenOpaqueTokenMalformed() {
        TokenVerifier plain = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE).build()).build();
        assertEquals(TokenFailure.MALFORMED, failureOf(plain.verify("good-token")));
    }

    @Test
    void buildWhenTwoIssuersIntrospectThenRefused() {
        TokenVerifier.Builder builder = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE)
                        .introspection(endpoint, CLIENT, SECRET).build())
                .trust(TrustedIssuer.jwkSet("https://b.example.test", IDP.publicJwkSet()).audience(AUDIENCE)
                        .introspection(endpoint, CLIENT, SECRET).build());

        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertEquals("trust: at most one issuer may use introspection, got [" + ISSUER + ", https://b.example.test]",
                e.getMessage());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(URI.create("http://idp.example.test/introspect"), CLIENT, SECRET),
                Arguments.of(URI.create("/introspect"), CLIENT, SECRET),
                Arguments.of(URI.create("https://idp.example.test/introspect"), "", SECRET),
                Arguments.of(URI.create("https://idp.example.test/introspect"), CLIENT, ""));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badSettings")
    void introspectionWhenBadSettingsThenRefused(URI uri, String client, String secret) {
        assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).introspection(uri, client, secret));
    }
}
