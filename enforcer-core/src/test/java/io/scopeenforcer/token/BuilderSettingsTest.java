package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.IDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Configuration errors fail at once, with the exception docs/architecture.md §14.4 assigns and a message naming the setting. */
class BuilderSettingsTest {

    private static final URI JWKS = URI.create("https://idp.example.test/jwks");
    private static final byte[] SECRET_32 = new byte[32];

    private static TrustedIssuer.Builder issuer() {
        return TrustedIssuer.newBuilder(IDP.issuer()).audience(AUDIENCE);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("empty issuer", () -> TrustedIssuer.newBuilder(""), IllegalArgumentException.class, "issuer"),
                bad("no key source", () -> issuer().build(), IllegalStateException.class, "key source"),
                bad("two key sources", () -> issuer().jwksUri(JWKS).jwkSet(IDP.publicJwkSet()).build(),
                        IllegalStateException.class, "jwksUri"),
                bad("no audience", () -> TrustedIssuer.newBuilder("i").jwkSet(IDP.publicJwkSet()).build(),
                        IllegalStateException.class, "audiences"),
                bad("empty audiences", () -> TrustedIssuer.newBuilder("i").audiences(List.of()),
                        IllegalArgumentException.class, "audiences"),
                bad("empty audience value", () -> TrustedIssuer.newBuilder("i").audience(""),
                        IllegalArgumentException.class, "audiences"),
                bad("audiences twice", () -> issuer().audience("b"), IllegalStateException.class, "audiences"),
                bad("alg none", () -> issuer().algorithms(List.of("RS256", "none")), IllegalArgumentException.class,
                        "none"),
                bad("alg NONE", () -> issuer().algorithms(List.of("NONE")), IllegalArgumentException.class, "none"),
                bad("unknown alg", () -> issuer().algorithms(List.of("RS1")), IllegalArgumentException.class,
                        "algorithms"),
                bad("alg in lower case", () -> issuer().algorithms(List.of("rs256")), IllegalArgumentException.class,
                        "algorithms"),
                bad("no algorithms", () -> issuer().algorithms(List.of()), IllegalArgumentException.class, "algorithms"),
                bad("HMAC without secret", () -> issuer().jwkSet(IDP.publicJwkSet()).algorithms(List.of("HS256")).build(),
                        IllegalStateException.class, "sharedSecret"),
                bad("secret without HMAC algorithm", () -> issuer().jwkSet(IDP.publicJwkSet()).sharedSecret(SECRET_32)
                        .algorithms(List.of("RS256")).build(), IllegalStateException.class, "sharedSecret"),
                bad("secret too short for HS512", () -> issuer().sharedSecret(SECRET_32)
                        .algorithms(List.of("HS512")).build(), IllegalStateException.class, "sharedSecret"),
                bad("short secret", () -> issuer().sharedSecret(new byte[31]), IllegalArgumentException.class,
                        "sharedSecret"),
                bad("RSA algorithm with a secret only", () -> issuer().sharedSecret(SECRET_32)
                        .algorithms(List.of("HS256", "RS256")).build(), IllegalStateException.class, "jwksUri"),
                bad("negative skew", () -> issuer().clockSkew(Duration.ofSeconds(-1)), IllegalArgumentException.class,
                        "clockSkew"),
                bad("skew over 5 minutes", () -> issuer().clockSkew(Duration.ofMinutes(6)),
                        IllegalArgumentException.class, "clockSkew"),
                bad("relative JWKS URI", () -> issuer().jwksUri(URI.create("/jwks")), IllegalArgumentException.class,
                        "jwksUri"),
                bad("file JWKS URI", () -> issuer().jwksUri(URI.create("file:///etc/jwks.json")),
                        IllegalArgumentException.class, "jwksUri"),
                bad("plain http to a remote host", () -> issuer().jwksUri(URI.create("http://idp.example.test/jwks"))
                        .build(), IllegalStateException.class, "https"),
                bad("JWKS setting without URI", () -> issuer().jwkSet(IDP.publicJwkSet())
                        .jwksCacheTtl(Duration.ofMinutes(1)).build(), IllegalStateException.class, "jwksCacheTtl"),
                bad("rate limit not below TTL", () -> issuer().jwksUri(JWKS).jwksCacheTtl(Duration.ofSeconds(10))
                        .jwksRateLimit(Duration.ofSeconds(10)).build(), IllegalStateException.class, "jwksRateLimit"),
                bad("refresh-ahead past TTL", () -> issuer().jwksUri(JWKS).jwksCacheTtl(Duration.ofSeconds(10))
                        .jwksRateLimit(Duration.ofSeconds(1)).jwksRefreshAhead(Duration.ofSeconds(8)).build(),
                        IllegalStateException.class, "jwksRefreshAhead"),
                bad("zero TTL", () -> issuer().jwksCacheTtl(Duration.ZERO), IllegalArgumentException.class,
                        "jwksCacheTtl"),
                bad("zero rate limit", () -> issuer().jwksRateLimit(Duration.ZERO), IllegalArgumentException.class,
                        "jwksRateLimit"),
                bad("negative refresh-ahead", () -> issuer().jwksRefreshAhead(Duration.ofSeconds(-1)),
                        IllegalArgumentException.class, "jwksRefreshAhead"),
                bad("sub-millisecond timeout", () -> issuer().jwksConnectTimeout(Duration.ofNanos(10)),
                        IllegalArgumentException.class, "jwksConnectTimeout"),
                bad("zero read timeout", () -> issuer().jwksReadTimeout(Duration.ZERO), IllegalArgumentException.class,
                        "jwksReadTimeout"),
                bad("zero size limit", () -> issuer().jwksSizeLimit(0), IllegalArgumentException.class, "jwksSizeLimit"),
                bad("setting twice", () -> issuer().clockSkew(Duration.ZERO).clockSkew(Duration.ZERO),
                        IllegalStateException.class, "clockSkew"),
                bad("missing JWKS file", () -> issuer().jwksFile(Path.of("/no/such/jwks.json")).build(),
                        IllegalArgumentException.class, "jwksFile"),
                bad("only symmetric keys in the JWK set", () -> issuer().jwkSet(new JWKSet(
                        new OctetSequenceKey.Builder(SECRET_32).build())).build(), IllegalArgumentException.class,
                        "jwkSet"),
                bad("verifier without issuer", () -> TokenVerifier.newBuilder().build(), IllegalStateException.class,
                        "trust"),
                bad("same issuer twice", () -> TokenVerifier.newBuilder().trust(IDP.trustedIssuer())
                        .trust(IDP.trustedIssuer()), IllegalStateException.class, "trust"),
                bad("empty scope claims", () -> TokenVerifier.newBuilder().scopeClaims(List.of()),
                        IllegalArgumentException.class, "scopeClaims"),
                bad("repeated scope claim", () -> TokenVerifier.newBuilder().scopeClaims(List.of("scp", "scp")),
                        IllegalArgumentException.class, "scopeClaims"),
                bad("empty tenant claim", () -> TokenVerifier.newBuilder().tenantClaim(""),
                        IllegalArgumentException.class, "tenantClaim"),
                bad("zero max length", () -> TokenVerifier.newBuilder().maxTokenLength(0),
                        IllegalArgumentException.class, "maxTokenLength"),
                bad("negative cache size", () -> TokenVerifier.newBuilder().cacheMaxEntries(-1),
                        IllegalArgumentException.class, "cacheMaxEntries"),
                bad("zero cache TTL", () -> TokenVerifier.newBuilder().cacheMaxTtl(Duration.ZERO),
                        IllegalArgumentException.class, "cacheMaxTtl"),
                bad("negative negative-cache TTL", () -> TokenVerifier.newBuilder().negativeCacheTtl(Duration.ofSeconds(-1)),
                        IllegalArgumentException.class, "negativeCacheTtl"),
                bad("clock twice", () -> TokenVerifier.newBuilder().clock(Fixtures.FIXED).clock(Fixtures.FIXED),
                        IllegalStateException.class, "clock"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void buildWhenSettingIsBadThenThrowsNamingIt(String name, Supplier<Object> build,
            Class<? extends RuntimeException> type, String named) {
        RuntimeException e = assertThrows(type, build::get);
        assertTrue(e.getMessage().contains(named), () -> "message should name " + named + ": " + e.getMessage());
    }

    private static Arguments bad(String name, Supplier<Object> build, Class<? extends RuntimeException> type,
            String named) {
        return Arguments.of(name, build, type, named);
    }

    @Test
    void buildWhenNullSettingThenNpe() {
        assertThrows(NullPointerException.class, () -> TrustedIssuer.newBuilder(null));
        assertThrows(NullPointerException.class, () -> issuer().jwksUri(null));
        assertThrows(NullPointerException.class, () -> issuer().clockSkew(null));
        assertThrows(NullPointerException.class, () -> TokenVerifier.newBuilder().trust(null));
        assertThrows(NullPointerException.class, () -> TokenVerifier.newBuilder().clock(null));
    }

    @Test
    void buildWhenDefaultsThenDocumentedValues() {
        TrustedIssuer issuer = issuer().jwkSet(IDP.publicJwkSet()).build();
        assertEquals(Set.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"), issuer.algorithms());
        assertEquals(Duration.ofSeconds(60), issuer.clockSkew());
        assertEquals(Set.of(AUDIENCE), issuer.audiences());
        TrustedIssuer hmac = issuer().sharedSecret(new byte[64]).build();
        assertEquals(Set.of("HS256", "HS384", "HS512"), hmac.algorithms());
        TrustedIssuer both = issuer().jwkSet(IDP.publicJwkSet()).sharedSecret(new byte[48]).build();
        assertTrue(both.algorithms().containsAll(Set.of("RS256", "EdDSA", "HS256", "HS384")));
        assertFalse(both.algorithms().contains("HS512"));
        assertFalse(both.toString().contains("AAAA"), "no secret in toString");
    }

    @Test
    void buildWhenLoopbackHttpOrUnsafeFlagThenAccepted() {
        issuer().jwksUri(URI.create("http://127.0.0.1:1/jwks")).build();
        issuer().jwksUri(URI.create("http://localhost:1/jwks")).build();
        issuer().jwksUri(URI.create("http://[::1]:1/jwks")).build();
        issuer().jwksUri(URI.create("http://idp.internal/jwks")).allowUnsafeHttpJwksUri().build();
    }
}
