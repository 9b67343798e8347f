package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.HMAC_ISSUER;
import static io.scopeenforcer.token.Fixtures.HMAC_SECRET;
import static io.scopeenforcer.token.Fixtures.IDP;
import static io.scopeenforcer.token.Fixtures.NOW;
import static io.scopeenforcer.token.Fixtures.OTHER_IDP;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static io.scopeenforcer.token.Fixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenVerifierTest {

    private static final TokenVerifier VERIFIER = Fixtures.verifier(0);

    // ---- exact time boundaries, fixed clock at NOW ----

    static Stream<Arguments> timeBoundaries() {
        return Stream.of(
                // exp: valid while now < exp + skew (RFC 7519 §4.1.4)
                Arguments.of("exp == now, no skew", 0, "exp", 0, TokenFailure.EXPIRED),
                Arguments.of("exp == now + 1 s, no skew", 0, "exp", 1, null),
                Arguments.of("exp == now - 1 s, no skew", 0, "exp", -1, TokenFailure.EXPIRED),
                Arguments.of("exp == now, skew 60 s", 60, "exp", 0, null),
                Arguments.of("exp == now - 59 s, skew 60 s", 60, "exp", -59, null),
                Arguments.of("exp == now - 60 s, skew 60 s", 60, "exp", -60, TokenFailure.EXPIRED),
                Arguments.of("exp == now - 61 s, skew 60 s", 60, "exp", -61, TokenFailure.EXPIRED),
                // nbf: valid while nbf - skew <= now
                Arguments.of("nbf == now, no skew", 0, "nbf", 0, null),
                Arguments.of("nbf == now + 1 s, no skew", 0, "nbf", 1, TokenFailure.NOT_YET_VALID),
                Arguments.of("nbf == now + 59 s, skew 60 s", 60, "nbf", 59, null),
                Arguments.of("nbf == now + 60 s, skew 60 s", 60, "nbf", 60, null),
                Arguments.of("nbf == now + 61 s, skew 60 s", 60, "nbf", 61, TokenFailure.NOT_YET_VALID),
                // iat: not in the future beyond the skew
                Arguments.of("iat == now, no skew", 0, "iat", 0, null),
                Arguments.of("iat == now + 1 s, no skew", 0, "iat", 1, TokenFailure.NOT_YET_VALID),
                Arguments.of("iat == now + 60 s, skew 60 s", 60, "iat", 60, null),
                Arguments.of("iat == now + 61 s, skew 60 s", 60, "iat", 61, TokenFailure.NOT_YET_VALID),
                Arguments.of("iat a year ago", 60, "iat", -365L * 24 * 3600, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeBoundaries")
    void verifyWhenTimeClaimAtBoundaryThenExpectedResult(String name, long skewSeconds, String claim,
            long offsetSeconds, TokenFailure expected) {
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .clockSkew(Duration.ofSeconds(skewSeconds)).build())
                .clock(Fixtures.FIXED)
                .build();
        TestIssuer.TokenBuilder token = IDP.token().expiresIn(Duration.ofHours(1));
        token.claim(claim, NOW.getEpochSecond() + offsetSeconds);
        if (!claim.equals("exp")) {
            token.expiresAt(NOW.plus(Duration.ofDays(1)));
        }
        assertEquals(expected, failureOf(verifier.verify(token.sign())));
    }

    @Test
    void verifyWhenClockHasMillisecondsThenExpiryComparesExactly() {
        // exp is whole seconds; the clock is not: half a second before exp is valid, at exp it is not.
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .clockSkew(Duration.ZERO).build())
                .clock(java.time.Clock.fixed(NOW.minusMillis(1), java.time.ZoneOffset.UTC))
                .build();
        assertNull(failureOf(verifier.verify(IDP.token().issuedAt(NOW.minusSeconds(1)).expiresAt(NOW).sign())));
        assertEquals(TokenFailure.NOT_YET_VALID,
                failureOf(verifier.verify(IDP.token().issuedAt(NOW).expiresAt(NOW.plusSeconds(9)).sign())));
    }

    @Test
    void verifyWhenEd25519ListedThenBothNamesPass() {
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .algorithms(List.of("EdDSA", "Ed25519")).build())
                .clock(Fixtures.FIXED).build();
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ed25519()).sign())));
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ed25519()).algorithm("Ed25519").sign())));
    }

    @Test
    void verifyWhenSharedSecretIs32BytesThenOnlyHs256() {
        byte[] secret = java.util.Arrays.copyOf(HMAC_SECRET, 32);
        TrustedIssuer issuer = TrustedIssuer.sharedSecret(HMAC_ISSUER, secret).audience(AUDIENCE).build();
        assertEquals(Set.of("HS256"), issuer.algorithms());
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer).clock(Fixtures.FIXED).build();
        assertNull(failureOf(verifier.verify(IDP.token().issuer(HMAC_ISSUER).hmac(secret).sign())));
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(verifier.verify(IDP.token().issuer(HMAC_ISSUER)
                .algorithm("HS512").hmac(secret).sign())));
    }

    // ---- what deliberately passes ----

    static Stream<Arguments> acceptedOddities() {
        return Stream.of(
                oddity("aud as a string", () -> IDP.token().audience(AUDIENCE).sign(),
                        t -> assertEquals(List.of(AUDIENCE), t.audiences())),
                oddity("aud as a one-element array", () -> IDP.token().audienceArray(AUDIENCE).sign(),
                        t -> assertEquals(List.of(AUDIENCE), t.audiences())),
                oddity("aud array with ours among others", () -> IDP.token().audience("urn:x", AUDIENCE, "urn:y").sign(),
                        t -> assertEquals(List.of("urn:x", AUDIENCE, "urn:y"), t.audiences())),
                oddity("typ absent", () -> IDP.token().noType().sign(), t -> { }),
                oddity("typ JWT", () -> IDP.token().type("JWT").sign(), t -> { }),
                oddity("typ jwt", () -> IDP.token().type("jwt").sign(), t -> { }),
                oddity("typ application/jwt", () -> IDP.token().type("application/jwt").sign(), t -> { }),
                oddity("typ application/at+jwt", () -> IDP.token().type("application/at+jwt").sign(), t -> { }),
                oddity("typ AT+JWT", () -> IDP.token().type("AT+JWT").sign(), t -> { }),
                oddity("kid absent, one RSA key", () -> IDP.token().noKeyId().sign(), t -> { }),
                oddity("kid absent, EC", () -> IDP.token().signedWith(IDP.ec()).noKeyId().sign(), t -> { }),
                oddity("ES256", () -> IDP.token().signedWith(IDP.ec()).sign(), t -> { }),
                oddity("EdDSA (Ed25519)", () -> IDP.token().signedWith(IDP.ed25519()).sign(), t -> { }),
                oddity("PS256", () -> IDP.token().algorithm("PS256").sign(), t -> { }),
                oddity("RS384", () -> IDP.token().algorithm("RS384").sign(), t -> { }),
                oddity("RS512", () -> IDP.token().algorithm("RS512").sign(), t -> { }),
                oddity("HS256 with the configured secret", () -> IDP.token().issuer(HMAC_ISSUER).hmac(HMAC_SECRET).sign(),
                        t -> assertEquals(HMAC_ISSUER, t.issuer())),
                oddity("HS512 with the configured secret", () -> IDP.token().issuer(HMAC_ISSUER).algorithm("HS512")
                        .hmac(HMAC_SECRET).sign(), t -> { }),
                oddity("second trusted issuer with its own keys", () -> OTHER_IDP.token().sign(),
                        t -> assertEquals(OTHER_IDP.issuer(), t.issuer())),
                oddity("no nbf, no iat", () -> IDP.token().claim("iat", null).sign(), t -> { }),
                oddity("exp as a fraction", () -> IDP.token().claim("exp", NOW.getEpochSecond() + 60.5).sign(),
                        t -> assertEquals(NOW.plusSeconds(60), t.expiresAt())),
                oddity("no sub: the client is the subject", () -> IDP.token().noSubject().clientId("svc").sign(),
                        t -> {
                            assertEquals("svc", t.subject());
                            assertEquals("svc", t.clientId());
                        }),
                oddity("client id from azp", () -> IDP.token().clientId(null).claim("azp", "web").sign(),
                        t -> assertEquals("web", t.clientId())),
                oddity("client id from cid", () -> IDP.token().clientId(null).claim("cid", "okta").sign(),
                        t -> assertEquals("okta", t.clientId())),
                oddity("client_id wins over azp", () -> IDP.token().claim("azp", "web").sign(),
                        t -> assertEquals(TestIssuer.DEFAULT_CLIENT_ID, t.clientId())),
                oddity("no client id", () -> IDP.token().clientId(null).sign(), t -> assertNull(t.clientId())),
                oddity("scope and scp combine", () -> IDP.token().scope("a:read b:read").scp("b:read", "c:write").sign(),
                        t -> assertEquals(List.of("a:read", "b:read", "c:write"), List.copyOf(t.scopes().values()))),
                oddity("scp as a string", () -> IDP.token().claim("scp", "a:read b:read").sign(),
                        t -> assertEquals(Set.of("a:read", "b:read"), t.scopes().values())),
                oddity("scope with doubled spaces and junk", () -> IDP.token().scope(" a:read  \"x\" b:read ").sign(),
                        t -> assertEquals(Set.of("a:read", "b:read"), t.scopes().values())),
                oddity("scp with non-strings", () -> IDP.token().claim("scp", List.of("a:read", 7, true)).sign(),
                        t -> assertEquals(Set.of("a:read"), t.scopes().values())),
                oddity("scope as a number", () -> IDP.token().claim("scope", 5).sign(),
                        t -> assertTrue(t.scopes().isEmpty())),
                oddity("unknown header and claims", () -> IDP.token().header("x-vendor", "1").claim("x", Map.of("y", 1))
                        .sign(), t -> assertEquals(Map.of("y", 1L), t.claims().get("x"))),
                oddity("jku header, trusted key", () -> IDP.token().header("jku", "https://evil.test/jwks").sign(),
                        t -> { }),
                oddity("cty other than JWT", () -> IDP.token().header("cty", "json").sign(), t -> { }),
                oddity("payload with leading whitespace", () -> IDP.token().rawPayload(" \n{\"iss\":\"" + IDP.issuer()
                        + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"s\",\"exp\":" + (NOW.getEpochSecond() + 60) + "}")
                        .sign(), t -> assertEquals("s", t.subject())),
                oddity("duplicate member inside a nested claim", () -> IDP.token().rawPayload("{\"iss\":\"" + IDP.issuer()
                        + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"s\",\"exp\":" + (NOW.getEpochSecond() + 60)
                        + ",\"x\":{\"a\":1,\"a\":2}}").sign(), t -> assertEquals(Map.of("a", 2L), t.claims().get("x"))),
                oddity("tenant and realm", () -> IDP.token().tenant("acme").realm("*").sign(), t -> {
                    assertEquals("acme", t.tenant());
                    assertEquals("*", t.realm());
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedOddities")
    void verifyWhenTokenIsOddButAcceptableThenValid(String name, Supplier<String> token, Consumer<VerifiedToken> check) {
        check.accept(valid(VERIFIER.verify(token.get())));
    }

    private static Arguments oddity(String name, Supplier<String> token, Consumer<VerifiedToken> check) {
        return Arguments.of(name, token, check);
    }

    // ---- the verified token ----

    @Test
    void verifyWhenValidThenTokenCarriesTheClaims() {
        String compact = IDP.token().subject("u-1").clientId("console").audience(AUDIENCE, "urn:other")
                .scope("applications:read groups:update").tenant("acme").realm("prod")
                .expiresAt(NOW.plusSeconds(120)).claim("roles", List.of("r1", "r2")).sign();
        VerifiedToken token = valid(VERIFIER.verify(compact));
        assertEquals(IDP.issuer(), token.issuer());
        assertEquals("u-1", token.subject());
        assertEquals("console", token.clientId());
        assertEquals(List.of(AUDIENCE, "urn:other"), token.audiences());
        assertEquals(Set.of("applications:read", "groups:update"), token.scopes().values());
        assertEquals("acme", token.tenant());
        assertEquals("prod", token.realm());
        assertEquals(NOW.plusSeconds(120), token.expiresAt());
        assertEquals(NOW.plusSeconds(120).getEpochSecond(), token.claims().get("exp"));
        assertEquals(List.of("r1", "r2"), token.claims().get("roles"));
        assertFalse(token.toString().contains(compact.substring(0, 20)), token::toString);
        assertFalse(token.toString().contains(compact.substring(compact.lastIndexOf('.') + 1, compact.length() - 1)));
    }

    @Test
    void claimsWhenModifiedThenThrows() {
        VerifiedToken token = valid(VERIFIER.verify(IDP.token().claim("roles", List.of("a"))
                .claim("nested", Map.of("k", List.of(1))).sign()));
        assertThrows(UnsupportedOperationException.class, () -> token.claims().put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> token.audiences().add("x"));
        @SuppressWarnings("unchecked")
        List<Object> roles = (List<Object>) token.claims().get("roles");
        assertThrows(UnsupportedOperationException.class, () -> roles.add("b"));
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) token.claims().get("nested");
        assertThrows(UnsupportedOperationException.class, () -> nested.put("j", 2));
        @SuppressWarnings("unchecked")
        List<Object> inner = (List<Object>) nested.get("k");
        assertThrows(UnsupportedOperationException.class, () -> inner.clear());
    }

    @Test
    void verifyWhenCustomClaimNamesThenReadsThem() {
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(Fixtures.FIXED)
                .scopeClaims(List.of("permissions")).tenantClaim("tid").realmClaim("rid").build();
        VerifiedToken token = valid(verifier.verify(IDP.token().scope("ignored:read").claim("permissions",
                List.of("p:read")).claim("tid", "t1").claim("rid", "r1").tenant("not-this").sign()));
        assertEquals(Set.of("p:read"), token.scopes().values());
        assertEquals("t1", token.tenant());
        assertEquals("r1", token.realm());
    }

    @Test
    void verifyWhenNullThenThrowsNpe() {
        assertThrows(NullPointerException.class, () -> VERIFIER.verify(null));
    }

    @Test
    void verifyWhenDescriptionThenNeverHoldsTokenContent() {
        for (TokenFailure f : TokenFailure.values()) {
            assertTrue(TokenResult.Invalid.of(f).description().length() < 80);
        }
    }

    @Test
    void verifyWhenMaxTokenLengthSetThenLongerIsTooLargeBeforeDecoding() {
        String token = IDP.token().sign();
        TokenVerifier tight = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(Fixtures.FIXED)
                .maxTokenLength(token.length()).build();
        assertNull(failureOf(tight.verify(token)));
        TokenVerifier tighter = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(Fixtures.FIXED)
                .maxTokenLength(token.length() - 1).build();
        assertEquals(TokenFailure.TOO_LARGE, failureOf(tighter.verify(token)));
    }

    @Test
    void verifyWhenSecondIssuerHasOtherAudiencesThenEachIssuerChecksItsOwn() {
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience("urn:a").build())
                .trust(TrustedIssuer.jwkSet(OTHER_IDP.issuer(), OTHER_IDP.publicJwkSet()).audience("urn:b")
                        .build())
                .clock(Fixtures.FIXED).build();
        assertNull(failureOf(verifier.verify(IDP.token().audience("urn:a").sign())));
        assertEquals(TokenFailure.WRONG_AUDIENCE, failureOf(verifier.verify(IDP.token().audience("urn:b").sign())));
        assertNull(failureOf(verifier.verify(OTHER_IDP.token().audience("urn:b").sign())));
        assertEquals(TokenFailure.WRONG_AUDIENCE, failureOf(verifier.verify(OTHER_IDP.token().audience("urn:a").sign())));
    }

    @Test
    void verifyWhenAlgorithmsRestrictedThenOthersUnsupported() {
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .algorithms(List.of("EdDSA")).build())
                .clock(Fixtures.FIXED).build();
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ed25519()).sign())));
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(verifier.verify(IDP.token().signedWith(IDP.ed25519())
                .algorithm("Ed25519").sign())), "RFC 9864's Ed25519 is accepted only when listed");
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(verifier.verify(IDP.token().sign())));
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())));
    }

    @Test
    void verifyWhenJwksFileThenReadsKeysOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("jwks.json");
        java.nio.file.Files.writeString(file, IDP.publicJwkSet().toString());
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwksFile(IDP.issuer(), file).audience(AUDIENCE).build())
                .clock(Fixtures.FIXED).build();
        java.nio.file.Files.delete(file);
        assertNull(failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())));
    }

    @Test
    void verifyWhenJwkRestrictsUseOrAlgorithmThenKeyNotUsedOtherwise() {
        com.nimbusds.jose.jwk.RSAKey rsa = IDP.rsa().publicJwk().toRSAKey();
        com.nimbusds.jose.jwk.JWKSet keys = new com.nimbusds.jose.jwk.JWKSet(List.of(
                new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build(),
                new com.nimbusds.jose.jwk.ECKey.Builder(IDP.ec().publicJwk().toECKey())
                        .algorithm(com.nimbusds.jose.JWSAlgorithm.ES384).build()));
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), keys).audience(AUDIENCE).build())
                .clock(Fixtures.FIXED).build();
        assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(IDP.token().sign())), "use enc");
        assertEquals(TokenFailure.UNKNOWN_KEY, failureOf(verifier.verify(IDP.token().signedWith(IDP.ec()).sign())),
                "alg ES384 on the key");
    }

    @Test
    void verifyWhenInstantsAreUnusualThenNoException() {
        // Outside 0..9999-12-31 a time claim is malformed, not "expired" nor far-future valid (HostileTokenTest).
        assertEquals(TokenFailure.MALFORMED, failureOf(VERIFIER.verify(IDP.token().claim("exp", Long.MIN_VALUE / 1000).sign())));
        assertEquals(TokenFailure.MALFORMED, failureOf(VERIFIER.verify(IDP.token().claim("exp", Long.MAX_VALUE / 1000).sign())));
        assertEquals(TokenFailure.EXPIRED, failureOf(VERIFIER.verify(IDP.token().claim("exp", 0).sign())));
        Instant far = Instant.parse("9999-12-31T23:59:59Z");
        assertNull(failureOf(VERIFIER.verify(IDP.token().expiresAt(far).sign())));
    }
}
