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

/**
 * Configuration errors fail at once, with the exception docs/architecture.md §14.4 assigns and a message naming
 * the setting: IllegalArgumentException for a bad value, from the call that sets it; IllegalStateException for a
 * repeated setting or a conflict found by build().
 */
class BuilderSettingsTest {

    private static final URI JWKS = URI.create("https://idp.example.test/jwks");
    private static final byte[] SECRET_32 = new byte[32];

    private static TrustedIssuer.KeySetBuilder keys() {
        return TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE);
    }

    private static TrustedIssuer.JwksUriBuilder remote() {
        return TrustedIssuer.jwksUri(IDP.issuer(), JWKS).audience(AUDIENCE);
    }

    private static TrustedIssuer.SharedSecretBuilder secret(byte[] secret) {
        return TrustedIssuer.sharedSecret(IDP.issuer(), secret).audience(AUDIENCE);
    }

    /*
     * Rows gone with the entry points per key source, because the combination can no longer be written
     * (a compile error now, not a run-time one):
     *   "no key source"                 every entry point takes its key source as an argument;
     *   "two key sources"               no builder has a second key-source setter;
     *   "secret without HMAC algorithm" a shared secret is its own entry point and no longer rides along with a
     *                                   JWK set; its algorithms can only be HMAC ("RSA algorithm with a secret");
     *   "JWKS setting without URI"      jwksCacheTtl and the other jwks* settings exist on JwksUriBuilder only.
     * Rows whose check moved from build() into the setter now expect IllegalArgumentException from that call.
     */
    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("empty issuer", () -> TrustedIssuer.jwkSet("", IDP.publicJwkSet()), IllegalArgumentException.class,
                        "issuer"),
                bad("empty issuer of a JWKS URI", () -> TrustedIssuer.jwksUri("", JWKS), IllegalArgumentException.class,
                        "issuer"),
                bad("empty issuer of a JWKS file, checked before the file", () -> TrustedIssuer.jwksFile("",
                        Path.of("/no/such/jwks.json")), IllegalArgumentException.class, "issuer must not be empty"),
                bad("empty issuer of a shared secret", () -> TrustedIssuer.sharedSecret("", SECRET_32),
                        IllegalArgumentException.class, "issuer"),
                bad("no audience", () -> TrustedIssuer.jwkSet("i", IDP.publicJwkSet()).build(),
                        IllegalStateException.class, "audiences"),
                bad("no audience with a JWKS URI", () -> TrustedIssuer.jwksUri("i", JWKS).build(),
                        IllegalStateException.class, "audiences"),
                bad("empty audiences", () -> TrustedIssuer.jwkSet("i", IDP.publicJwkSet()).audiences(List.of()),
                        IllegalArgumentException.class, "audiences"),
                bad("empty audience value", () -> TrustedIssuer.jwkSet("i", IDP.publicJwkSet()).audience(""),
                        IllegalArgumentException.class, "audiences"),
                bad("audiences twice", () -> keys().audience("b"), IllegalStateException.class, "audiences"),
                bad("alg none", () -> keys().algorithms(List.of("RS256", "none")), IllegalArgumentException.class,
                        "none"),
                bad("alg NONE", () -> keys().algorithms(List.of("NONE")), IllegalArgumentException.class, "none"),
                bad("alg none with a secret", () -> secret(SECRET_32).algorithms(List.of("none")),
                        IllegalArgumentException.class, "none"),
                bad("unknown alg", () -> keys().algorithms(List.of("RS1")), IllegalArgumentException.class,
                        "algorithms"),
                bad("alg in lower case", () -> keys().algorithms(List.of("rs256")), IllegalArgumentException.class,
                        "algorithms"),
                bad("no algorithms", () -> keys().algorithms(List.of()), IllegalArgumentException.class, "algorithms"),
                bad("HMAC without secret", () -> keys().algorithms(List.of("HS256")),
                        IllegalArgumentException.class, "sharedSecret"),
                bad("HMAC with a JWKS URI", () -> remote().algorithms(List.of("RS256", "HS512")),
                        IllegalArgumentException.class, "sharedSecret"),
                bad("secret too short for HS512", () -> secret(SECRET_32).algorithms(List.of("HS512")),
                        IllegalArgumentException.class, "sharedSecret"),
                bad("short secret", () -> TrustedIssuer.sharedSecret("i", new byte[31]), IllegalArgumentException.class,
                        "sharedSecret"),
                bad("RSA algorithm with a secret only", () -> secret(SECRET_32).algorithms(List.of("HS256", "RS256")),
                        IllegalArgumentException.class, "jwksUri"),
                bad("negative skew", () -> keys().clockSkew(Duration.ofSeconds(-1)), IllegalArgumentException.class,
                        "clockSkew"),
                bad("skew over 5 minutes", () -> keys().clockSkew(Duration.ofMinutes(6)),
                        IllegalArgumentException.class, "clockSkew"),
                bad("relative JWKS URI", () -> TrustedIssuer.jwksUri("i", URI.create("/jwks")),
                        IllegalArgumentException.class, "jwksUri"),
                bad("file JWKS URI", () -> TrustedIssuer.jwksUri("i", URI.create("file:///etc/jwks.json")),
                        IllegalArgumentException.class, "jwksUri"),
                bad("plain http to a remote host", () -> TrustedIssuer.jwksUri("i",
                        URI.create("http://idp.example.test/jwks")).audience(AUDIENCE).build(),
                        IllegalStateException.class, "https"),
                bad("rate limit not below TTL", () -> remote().jwksCacheTtl(Duration.ofSeconds(10))
                        .jwksRateLimit(Duration.ofSeconds(10)).build(), IllegalStateException.class, "jwksRateLimit"),
                bad("refresh-ahead past TTL", () -> remote().jwksCacheTtl(Duration.ofSeconds(10))
                        .jwksRateLimit(Duration.ofSeconds(1)).jwksRefreshAhead(Duration.ofSeconds(8)).build(),
                        IllegalStateException.class, "jwksRefreshAhead"),
                bad("zero TTL", () -> remote().jwksCacheTtl(Duration.ZERO), IllegalArgumentException.class,
                        "jwksCacheTtl"),
                bad("zero rate limit", () -> remote().jwksRateLimit(Duration.ZERO), IllegalArgumentException.class,
                        "jwksRateLimit"),
                bad("negative refresh-ahead", () -> remote().jwksRefreshAhead(Duration.ofSeconds(-1)),
                        IllegalArgumentException.class, "jwksRefreshAhead"),
                bad("negative outage tolerance", () -> remote().jwksOutageTolerance(Duration.ofSeconds(-1)),
                        IllegalArgumentException.class, "jwksOutageTolerance"),
                bad("sub-millisecond timeout", () -> remote().jwksConnectTimeout(Duration.ofNanos(10)),
                        IllegalArgumentException.class, "jwksConnectTimeout"),
                bad("zero read timeout", () -> remote().jwksReadTimeout(Duration.ZERO), IllegalArgumentException.class,
                        "jwksReadTimeout"),
                bad("zero size limit", () -> remote().jwksSizeLimit(0), IllegalArgumentException.class,
                        "jwksSizeLimit"),
                bad("setting twice", () -> keys().clockSkew(Duration.ZERO).clockSkew(Duration.ZERO),
                        IllegalStateException.class, "clockSkew"),
                bad("strict token type twice", () -> secret(SECRET_32).strictTokenType(true).strictTokenType(true),
                        IllegalStateException.class, "strictTokenType"),
                bad("JWKS setting twice", () -> remote().jwksSizeLimit(1).jwksSizeLimit(1), IllegalStateException.class,
                        "jwksSizeLimit"),
                bad("unsafe http opt-in twice", () -> remote().allowUnsafeHttpJwksUri().allowUnsafeHttpJwksUri(),
                        IllegalStateException.class, "allowUnsafeHttpJwksUri"),
                bad("missing JWKS file", () -> TrustedIssuer.jwksFile("i", Path.of("/no/such/jwks.json")),
                        IllegalArgumentException.class, "jwksFile"),
                bad("only symmetric keys in the JWK set", () -> TrustedIssuer.jwkSet("i", new JWKSet(
                        new OctetSequenceKey.Builder(SECRET_32).build())), IllegalArgumentException.class, "jwkSet"),
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
        assertThrows(NullPointerException.class, () -> TrustedIssuer.jwkSet(null, IDP.publicJwkSet()));
        assertThrows(NullPointerException.class, () -> TrustedIssuer.jwkSet("i", null));
        assertThrows(NullPointerException.class, () -> TrustedIssuer.jwksFile("i", null));
        assertThrows(NullPointerException.class, () -> TrustedIssuer.jwksUri("i", null));
        assertThrows(NullPointerException.class, () -> TrustedIssuer.sharedSecret("i", null));
        assertThrows(NullPointerException.class, () -> keys().clockSkew(null));
        assertThrows(NullPointerException.class, () -> remote().jwksCacheTtl(null));
        assertThrows(NullPointerException.class, () -> TokenVerifier.newBuilder().trust(null));
        assertThrows(NullPointerException.class, () -> TokenVerifier.newBuilder().clock(null));
    }

    @Test
    void buildWhenDefaultsThenDocumentedValues() {
        TrustedIssuer issuer = keys().build();
        assertEquals(Set.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"), issuer.algorithms());
        assertEquals(Duration.ofSeconds(60), issuer.clockSkew());
        assertEquals(Set.of(AUDIENCE), issuer.audiences());
        assertEquals(issuer.algorithms(), remote().build().algorithms());
        assertEquals(Set.of("HS256", "HS384", "HS512"), secret(new byte[64]).build().algorithms());
        TrustedIssuer hmac48 = secret(new byte[48]).build();
        assertEquals(Set.of("HS256", "HS384"), hmac48.algorithms());
        assertEquals("TrustedIssuer[issuer=" + IDP.issuer() + ", keys=sharedSecret, audiences=[" + AUDIENCE
                + "], algorithms=[HS256, HS384], clockSkew=PT1M, signatures=AmazonCorrettoCryptoProvider 2.5.0]", hmac48.toString(), "no secret in toString");
    }

    @Test
    void buildWhenLoopbackHttpOrUnsafeFlagThenAccepted() {
        TrustedIssuer.jwksUri("i", URI.create("http://127.0.0.1:1/jwks")).audience(AUDIENCE).build();
        TrustedIssuer.jwksUri("i", URI.create("http://localhost:1/jwks")).audience(AUDIENCE).build();
        TrustedIssuer.jwksUri("i", URI.create("http://[::1]:1/jwks")).audience(AUDIENCE).build();
        TrustedIssuer unsafe = TrustedIssuer.jwksUri("i", URI.create("http://idp.internal/jwks")).audience(AUDIENCE)
                .allowUnsafeHttpJwksUri().build();
        assertTrue(unsafe.toString().contains("keys=jwksUri http://idp.internal/jwks"), unsafe::toString);
    }

    @Test
    void buildWhenPlainHttpJwksUriThenMessageNamesTheWholeUrlButNoSecret() {
        String longUrl = "http://idp.example.test/realms/a-rather-long-realm-name/protocol/openid-connect/certs";
        IllegalStateException whole = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.jwksUri(IDP.issuer(), URI.create(longUrl)).audience(AUDIENCE).build());
        assertTrue(whole.getMessage().contains("'" + longUrl + "'"),
                "the operator's own URL is not cut like untrusted input: " + whole.getMessage());
        IllegalStateException secret = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.jwksUri(IDP.issuer(), URI.create("http://user:s3cret@idp.example.test/jwks?key=k3y"))
                        .audience(AUDIENCE).build());
        assertTrue(secret.getMessage().contains("'http://idp.example.test/jwks?...'"), secret.getMessage());
        assertFalse(secret.getMessage().contains("s3cret") || secret.getMessage().contains("k3y"), secret.getMessage());
    }
}
