package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestCertificates;
import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TokenVerifier;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sender-constrained tokens in the engine: every RFC 9449 §4.3 check of a DPoP proof, the key binding of
 * {@code cnf.jkt} (§6, §7.1), a DPoP-bound token sent as {@code Bearer} (§7.2), and certificate-bound tokens
 * ({@code cnf.x5t#S256}, RFC 8705 §3). Proofs and tokens are signed at run time.
 */
class SenderConstrainedTokenTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final TestClock CLOCK = TestClock.at(NOW);
    static final TestIssuer IDP = TestIssuer.create("https://idp.example.test", CLOCK);
    static final String ORIGIN = "https://api.example.test";
    static final String POLICY = String.join("\n",
            "GET      /health   public",
            "GET,POST /me       authenticated",
            "GET      /paas/{service}/**  urn:opc:resource:consumer:paas:{service}::read");
    static final ECKey KEY = DpopProofs.newEcKey();
    static final ECKey OTHER_KEY = DpopProofs.newEcKey();
    static final RSAKey RSA_KEY = DpopProofs.newRsaKey();
    static final com.nimbusds.jose.jwk.OctetKeyPair ED_KEY = DpopProofs.newEd25519Key();
    static final TestCertificates.Issued CLIENT = TestCertificates.selfSigned("client");
    static final TestCertificates.Issued OTHER_CLIENT = TestCertificates.selfSigned("other");

    static Enforcer engine(Enforcer.SenderConstraint constraint, boolean dpopOn) {
        Enforcer.Builder b = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "test.policy"))
                .verifier(TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(CLOCK).build())
                .senderConstraint(constraint);
        if (dpopOn) {
            b.dpop(DpopSettings.newBuilder().origin(ORIGIN).clock(CLOCK).build());
        }
        return b.build();
    }

    static final Enforcer ENGINE = engine(Enforcer.SenderConstraint.OPTIONAL, true);
    static final Enforcer REQUIRED = engine(Enforcer.SenderConstraint.REQUIRED, true);
    static final Enforcer DPOP_ONLY = engine(Enforcer.SenderConstraint.DPOP, true);
    static final Enforcer DPOP_OFF = engine(Enforcer.SenderConstraint.OPTIONAL, false);

    static String boundToken(com.nimbusds.jose.jwk.JWK key) {
        return IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(key))).sign();
    }

    static String certificateBoundToken(X509Certificate certificate) {
        return IDP.token().claim("cnf", Map.of("x5t#S256", TestCertificates.thumbprint(certificate))).sign();
    }

    static DpopProofs proof(String token) {
        return DpopProofs.proof(KEY, "GET", ORIGIN + "/me", token, NOW);
    }

    /** One request: headers, method, path and what it presents. */
    record Request(String authorization, String method, String path, ProofOfPossession proof) {
        static Request dpop(String token, String method, String path, String... proofs) {
            return new Request("DPoP " + token, method, path, new ProofOfPossession(List.of(proofs), null, null));
        }

        Decision decideOn(Enforcer engine) {
            return engine.decide(authorization, method, path, proof);
        }
    }

    /** Expected: null reason for an allow; else the reason and the exact description. */
    static Arguments row(String name, Supplier<Request> request, Decision.Reason reason, String description) {
        return Arguments.of(name, request, reason, description);
    }

    static Arguments allowed(String name, Supplier<Request> request) {
        return row(name, request, null, null);
    }

    static Arguments badProof(String name, Supplier<Request> request, String description) {
        return row(name, request, Decision.Reason.INVALID_DPOP_PROOF, description);
    }

    static Arguments badToken(String name, Supplier<Request> request, String description) {
        return row(name, request, Decision.Reason.INVALID_TOKEN, description);
    }

    /** A DPoP request for GET /me with a token bound to {@link #KEY} and the proof {@code shape} gives. */
    static Supplier<Request> me(java.util.function.UnaryOperator<DpopProofs> shape) {
        return () -> {
            String token = boundToken(KEY);
            return Request.dpop(token, "GET", "/me", shape.apply(proof(token)).sign());
        };
    }

    static Stream<Arguments> dpopRequests() {
        return Stream.of(
                allowed("a valid proof", me(p -> p)),
                allowed("the scheme name in any case", () -> {
                    String token = boundToken(KEY);
                    return new Request("dpop " + token, "GET", "/me", ProofOfPossession.dpop(proof(token).sign()));
                }),
                allowed("a request with a query: htu leaves it out", () -> {
                    String token = boundToken(KEY);
                    return Request.dpop(token, "GET", "/me?page=2", proof(token).sign());
                }),
                allowed("htu scheme and host in upper case", me(p -> p.claim("htu", "HTTPS://API.Example.TEST/me"))),
                allowed("htu with the default port", me(p -> p.claim("htu", "https://api.example.test:443/me"))),
                allowed("htu percent-encodes an unreserved character", me(p -> p.claim("htu", ORIGIN + "/%6De"))),
                allowed("an iat a whole window ago", me(p -> p.claim("iat", NOW.minusSeconds(60).getEpochSecond()))),
                allowed("an iat a whole window ahead", me(p -> p.claim("iat", NOW.plusSeconds(60).getEpochSecond()))),
                allowed("an RSA proof key (PS256)", () -> {
                    String token = boundToken(RSA_KEY);
                    return Request.dpop(token, "GET", "/me",
                            DpopProofs.proof(RSA_KEY, "GET", ORIGIN + "/me", token, NOW).sign());
                }),
                allowed("an Ed25519 proof key (EdDSA)", () -> {
                    String token = boundToken(ED_KEY);
                    return Request.dpop(token, "GET", "/me",
                            DpopProofs.proof(ED_KEY, "GET", ORIGIN + "/me", token, NOW).sign());
                }),
                allowed("an Ed25519 proof key (Ed25519, RFC 9864)", () -> {
                    String token = boundToken(ED_KEY);
                    return Request.dpop(token, "GET", "/me",
                            DpopProofs.proof(ED_KEY, "GET", ORIGIN + "/me", token, NOW).header("alg", "Ed25519").sign());
                }),
                badProof("an Ed25519 proof signed by another key", () -> {
                    String token = boundToken(ED_KEY);
                    return Request.dpop(token, "GET", "/me", DpopProofs.proof(ED_KEY, "GET", ORIGIN + "/me", token, NOW)
                            .signedBy(DpopProofs.newEd25519Key()).sign());
                }, "the DPoP proof's signature is invalid"),
                badProof("an RSA key of 1024 bits", () -> {
                    RSAKey weak = weakRsaKey();
                    String token = boundToken(weak);
                    return Request.dpop(token, "GET", "/me",
                            DpopProofs.proof(weak, "GET", ORIGIN + "/me", token, NOW).sign());
                }, "the DPoP proof's jwk does not fit its alg"),
                badProof("alg EdDSA with an EC jwk", me(p -> p.header("alg", "EdDSA")),
                        "the DPoP proof's jwk does not fit its alg"),
                allowed("a public route looks at no proof", () -> Request.dpop(boundToken(KEY), "GET", "/health")),
                badProof("wrong htm", me(p -> p.claim("htm", "POST")), "the DPoP proof's htm is not the request method"),
                badProof("htm in lower case", me(p -> p.claim("htm", "get")),
                        "the DPoP proof's htm is not the request method"),
                badProof("htu with a query", me(p -> p.claim("htu", ORIGIN + "/me?page=2")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu with a fragment", me(p -> p.claim("htu", ORIGIN + "/me#x")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu with a trailing slash", me(p -> p.claim("htu", ORIGIN + "/me/")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu of another host", me(p -> p.claim("htu", "https://evil.example.test/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu of another port", me(p -> p.claim("htu", "https://api.example.test:8443/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu over http", me(p -> p.claim("htu", "http://api.example.test/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu with user info", me(p -> p.claim("htu", "https://u@api.example.test/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu of another path", me(p -> p.claim("htu", ORIGIN + "/ME")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu not a string", me(p -> p.claim("htu", 7)), "the DPoP proof has no htu"),
                badProof("stale iat", me(p -> p.claim("iat", NOW.minusSeconds(61).getEpochSecond())),
                        "the DPoP proof is too old"),
                badProof("future iat", me(p -> p.claim("iat", NOW.plusSeconds(61).getEpochSecond())),
                        "the DPoP proof's iat is in the future"),
                badProof("iat Long.MAX_VALUE", me(p -> p.claim("iat", Long.MAX_VALUE)),
                        "the DPoP proof's iat is in the future"),
                badProof("iat Long.MIN_VALUE", me(p -> p.claim("iat", Long.MIN_VALUE)), "the DPoP proof is too old"),
                badProof("iat 1e300", me(p -> p.claim("iat", 1e300)), "the DPoP proof's iat is in the future"),
                badProof("iat a string", me(p -> p.claim("iat", "now")), "the DPoP proof has no numeric iat"),
                badProof("no iat", me(p -> p.claim("iat", null)), "the DPoP proof has no numeric iat"),
                badProof("no ath", me(p -> p.claim("ath", null)), "the DPoP proof has no ath"),
                badProof("ath of another token", me(p -> p.claim("ath", DpopProofs.ath(boundToken(KEY)))),
                        "the DPoP proof's ath is not the hash of the access token"),
                badProof("no jti", me(p -> p.claim("jti", null)), "the DPoP proof has no usable jti"),
                badProof("a jti of 257 characters", me(p -> p.claim("jti", "j".repeat(257))),
                        "the DPoP proof has no usable jti"),
                badProof("typ jwt", me(p -> p.header("typ", "JWT")), "the DPoP proof's typ is not dpop+jwt"),
                badProof("no typ", me(p -> p.header("typ", null)), "the DPoP proof's typ is not dpop+jwt"),
                badProof("a private key in jwk", me(DpopProofs::privateJwk),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                badProof("no jwk", me(p -> p.header("jwk", null)), "the DPoP proof has no jwk header"),
                badProof("symmetric alg HS256", me(p -> p.hmac(new byte[32])), "the DPoP proof's alg is not accepted"),
                badProof("alg none", me(DpopProofs::unsigned),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                badProof("alg RS256 with an EC jwk", me(p -> p.header("alg", "RS256")),
                        "the DPoP proof's jwk does not fit its alg"),
                badProof("signed by another key than its jwk", me(p -> p.signedBy(OTHER_KEY)),
                        "the DPoP proof's signature is invalid"),
                badProof("a critical header", me(p -> p.header("crit", List.of("exp")).header("exp", 1)),
                        "the DPoP proof has critical header parameters"),
                badProof("not a JWS", () -> Request.dpop(boundToken(KEY), "GET", "/me", "not.a-proof"),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                badProof("an empty DPoP header", () -> Request.dpop(boundToken(KEY), "GET", "/me", ""),
                        "the DPoP proof is empty"),
                badProof("a DPoP header of 8193 characters", () -> Request.dpop(boundToken(KEY), "GET", "/me",
                        "a".repeat(8193)), "the DPoP proof is too large"),
                badProof("no DPoP header", () -> Request.dpop(boundToken(KEY), "GET", "/me"),
                        "a DPoP proof is required"),
                badProof("two DPoP headers", () -> {
                    String token = boundToken(KEY);
                    return Request.dpop(token, "GET", "/me", proof(token).sign(), proof(token).sign());
                }, "more than one DPoP header"),
                badToken("a token bound to another key", () -> {
                    String token = boundToken(OTHER_KEY);
                    return Request.dpop(token, "GET", "/me", proof(token).sign());
                }, "the token is bound to another DPoP key"),
                badToken("a token bound to no key, as DPoP", () -> {
                    String token = IDP.token().sign();
                    return Request.dpop(token, "GET", "/me", proof(token).sign());
                }, "the token is not DPoP-bound"),
                badToken("a DPoP-bound token sent as Bearer", () ->
                        new Request("Bearer " + boundToken(KEY), "GET", "/me", ProofOfPossession.NONE),
                        "the token is DPoP-bound; send it with the DPoP scheme and a proof"),
                badToken("a DPoP-bound token sent as Bearer with a valid proof", () -> {
                    String token = boundToken(KEY);
                    return new Request("Bearer " + token, "GET", "/me", ProofOfPossession.dpop(proof(token).sign()));
                }, "the token is DPoP-bound; send it with the DPoP scheme and a proof"),
                badToken("a cnf with nothing this API checks", () -> new Request(
                        "Bearer " + IDP.token().claim("cnf", Map.of("kid", "k1")).sign(), "GET", "/me",
                        ProofOfPossession.NONE), "the token's cnf names no binding this API can check"),
                row("an invalid DPoP token", () -> Request.dpop("abc.def.ghi", "GET", "/me", "x"),
                        Decision.Reason.INVALID_TOKEN, "the token is not a compact JWS"),
                row("DPoP without a token", () -> new Request("DPoP ", "GET", "/me", ProofOfPossession.NONE),
                        Decision.Reason.INVALID_REQUEST, "empty DPoP token"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("dpopRequests")
    void decideWhenDpopRequestThenAsRfc9449Says(String name, Supplier<Request> request, Decision.Reason reason,
            String description) {
        Decision decision = request.get().decideOn(ENGINE);
        if (reason == null) {
            assertInstanceOf(Decision.Allow.class, decision, decision::toString);
            return;
        }
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(reason, deny.reason());
        assertEquals(description, deny.description());
        assertEquals(reason == Decision.Reason.INVALID_REQUEST ? 400 : 401, deny.status());
        if (reason == Decision.Reason.INVALID_TOKEN && deny.tokenFailure() != TokenFailure.MALFORMED) {
            assertEquals(TokenFailure.SENDER_BINDING, deny.tokenFailure());
        }
    }

    static RSAKey weakRsaKey() {
        try {
            return new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void decideWhenTokenAllowedAndCachedThenEveryLaterRequestStillProvesTheKey() {
        String token = boundToken(KEY);
        assertInstanceOf(Decision.Allow.class, Request.dpop(token, "GET", "/me", proof(token).sign()).decideOn(ENGINE));
        assertInstanceOf(Decision.Allow.class, Request.dpop(token, "GET", "/me", proof(token).sign()).decideOn(ENGINE));
        // The token and its decision are cached now: the binding is still checked before either is used.
        assertEquals(Decision.Reason.INVALID_TOKEN,
                ((Decision.Deny) ENGINE.decide("Bearer " + token, "GET", "/me")).reason());
        assertEquals("a DPoP proof is required",
                ((Decision.Deny) Request.dpop(token, "GET", "/me").decideOn(ENGINE)).description());
        assertEquals("the DPoP proof's htu is not the request URI", ((Decision.Deny) Request.dpop(token, "GET",
                "/paas/x/y", proof(token).sign()).decideOn(ENGINE)).description());
    }

    static Stream<Arguments> deeplyNested() {
        String header = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"x\":" + "{\"a\":".repeat(1000) + "1"
                + "}".repeat(1000) + "}");
        String payload = b64("{\"htm\":\"GET\",\"x\":" + "[".repeat(4000) + "]".repeat(4000) + "}");
        String good = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}");
        return Stream.of(Arguments.of("header", header + "." + b64("{}") + ".c2ln"),
                Arguments.of("payload", good + "." + payload + ".c2ln"),
                Arguments.of("array payload", good + "." + b64("[[\"htm\",\"GET\"]]") + ".c2ln"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("deeplyNested")
    void decideWhenProofJsonHostileThenInvalidDpopProofAndNothingEscapes(String name, String proof) {
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                Request.dpop(boundToken(KEY), "GET", "/me", proof).decideOn(ENGINE));
        assertEquals(Decision.Reason.INVALID_DPOP_PROOF, deny.reason());
    }

    private static String b64(String json) {
        return com.nimbusds.jose.util.Base64URL.encode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    @Test
    void decideWhenProofReplayedThenInvalidDpopProof() {
        String token = boundToken(KEY);
        String proof = proof(token).sign();
        assertInstanceOf(Decision.Allow.class, Request.dpop(token, "GET", "/me", proof).decideOn(ENGINE));
        Decision.Deny replay = assertInstanceOf(Decision.Deny.class,
                Request.dpop(token, "GET", "/me", proof).decideOn(ENGINE));
        assertEquals(Decision.Reason.INVALID_DPOP_PROOF, replay.reason());
        assertEquals("the DPoP proof was already used", replay.description());
        // A fresh proof (new jti) is accepted again.
        assertInstanceOf(Decision.Allow.class, Request.dpop(token, "GET", "/me", proof(token).sign()).decideOn(ENGINE));
    }

    @Test
    void decideWhenReplayCacheUnavailableThen503WithRetryAfterNotAnException() {
        // A shared store that cannot answer (RFC 9449 §11.1 across instances, e.g. Redis down): fail closed as a 503,
        // like keys that cannot be had; never an allow, never a 401 blaming the client, never an exception.
        Enforcer engine = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "test.policy"))
                .verifier(TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(CLOCK).build())
                .retryAfter(Duration.ofSeconds(7))
                .dpop(DpopSettings.newBuilder().origin(ORIGIN).clock(CLOCK).replayCache((key, retention) -> {
                    throw new ReplayCache.Unavailable("down", null);
                }).build()).build();
        String token = boundToken(KEY);
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                Request.dpop(token, "GET", "/me", proof(token).sign()).decideOn(engine));
        assertEquals(Decision.Reason.REPLAY_CACHE_UNAVAILABLE, deny.reason());
        assertEquals(503, deny.status());
        assertEquals(7, deny.retryAfterSeconds());
        assertEquals("the DPoP replay cache is temporarily unavailable", deny.description());
    }

    @Test
    void decideWhenUsedProofMutatedAtAnyCharacterThenNeverAllowed() {
        String token = boundToken(KEY);
        String proof = proof(token).sign();
        assertInstanceOf(Decision.Allow.class, Request.dpop(token, "GET", "/me", proof).decideOn(ENGINE));
        // Each one-character change is a bad proof, or (a non-canonical base64url spelling of the same bytes) the
        // same jti again: a replay. Never an allow, never an exception.
        String alphabet = "Aa0_-.=";
        for (int i = 0; i < proof.length(); i++) {
            char replacement = alphabet.charAt(i % alphabet.length());
            if (replacement == proof.charAt(i)) {
                replacement = 'B';
            }
            String mutated = proof.substring(0, i) + replacement + proof.substring(i + 1);
            Decision decision = Request.dpop(token, "GET", "/me", mutated).decideOn(ENGINE);
            int at = i;
            Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision, () -> "position " + at);
            assertEquals(Decision.Reason.INVALID_DPOP_PROOF, deny.reason(), () -> "position " + at);
        }
    }

    @Test
    void decideWhenProofRefusedThenItsJtiIsNotRemembered() {
        String token = boundToken(OTHER_KEY);
        String proof = proof(token).sign();
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, Request.dpop(token, "GET", "/me", proof).decideOn(ENGINE));
        assertEquals("the token is bound to another DPoP key", deny.description());
        // The same jti under a token that fits is not a replay: the refused proof was never recorded.
        assertEquals("the token is bound to another DPoP key",
                ((Decision.Deny) Request.dpop(token, "GET", "/me", proof).decideOn(ENGINE)).description());
    }

    @Test
    void decideWhenDpopOffThenTheDpopSchemeCarriesNoToken() {
        String token = boundToken(KEY);
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                Request.dpop(token, "GET", "/me", proof(token).sign()).decideOn(DPOP_OFF));
        assertEquals(Decision.Reason.MISSING_TOKEN, deny.reason());
        // Still bound: sent as Bearer to an API without DPoP, it is refused rather than taken as a bearer token.
        assertEquals("the token is DPoP-bound; send it with the DPoP scheme and a proof", ((Decision.Deny) DPOP_OFF
                .decide("Bearer " + token, "GET", "/me")).description());
    }

    @Test
    void decideWhenUnboundBearerTokenThenTheBindingChecksDoNotRun() {
        String token = IDP.token().sign();
        assertInstanceOf(Decision.Allow.class, ENGINE.decide("Bearer " + token, "GET", "/me"));
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, REQUIRED.decide("Bearer " + token, "GET", "/me"));
        assertEquals(Decision.Reason.INVALID_TOKEN, deny.reason());
        assertEquals(TokenFailure.SENDER_BINDING, deny.tokenFailure());
        assertEquals("a sender-constrained token (DPoP or certificate-bound) is required", deny.description());
        String bound = boundToken(KEY);
        assertInstanceOf(Decision.Allow.class, Request.dpop(bound, "GET", "/me", proof(bound).sign()).decideOn(REQUIRED));
    }

    static Stream<Arguments> certificateRequests() {
        String bound = certificateBoundToken(CLIENT.certificate());
        return Stream.of(
                Arguments.of("the bound certificate", bound, CLIENT.certificate(), null),
                Arguments.of("another certificate", bound, OTHER_CLIENT.certificate(),
                        "the token is bound to another TLS client certificate"),
                Arguments.of("no certificate", bound, null, "the token is bound to a TLS client certificate"),
                Arguments.of("x5t#S256 not a string", IDP.token().claim("cnf", Map.of("x5t#S256", 5)).sign(),
                        CLIENT.certificate(), "the token is bound to another TLS client certificate"),
                Arguments.of("an unbound token with a certificate", IDP.token().sign(), CLIENT.certificate(), null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("certificateRequests")
    void decideWhenCertificateBoundTokenThenTheCertificateMustMatch(String name, String token,
            X509Certificate certificate, String problem) {
        Decision decision = ENGINE.decide("Bearer " + token, "GET", "/me", ProofOfPossession.certificate(certificate));
        if (problem == null) {
            assertInstanceOf(Decision.Allow.class, decision, decision::toString);
            return;
        }
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(Decision.Reason.INVALID_TOKEN, deny.reason());
        assertEquals(TokenFailure.SENDER_BINDING, deny.tokenFailure());
        assertEquals(problem, deny.description());
    }

    @Test
    void decideWhenOnlyDpopThenBearerTokensRefusedBoundOrNot() {
        for (String token : List.of(IDP.token().sign(), certificateBoundToken(CLIENT.certificate()))) {
            Decision.Deny deny = assertInstanceOf(Decision.Deny.class, DPOP_ONLY.decide("Bearer " + token, "GET", "/me",
                    ProofOfPossession.certificate(CLIENT.certificate())));
            assertEquals(TokenFailure.SENDER_BINDING, deny.tokenFailure());
            assertEquals("a DPoP-bound token, sent with the DPoP scheme, is required", deny.description());
        }
        String bound = boundToken(KEY);
        assertInstanceOf(Decision.Allow.class, Request.dpop(bound, "GET", "/me", proof(bound).sign()).decideOn(DPOP_ONLY));
        assertEquals("senderConstraint DPOP needs dpop settings", assertThrows(IllegalStateException.class,
                () -> engine(Enforcer.SenderConstraint.DPOP, false)).getMessage());
    }

    @Test
    void decideWhenCertificateBoundTokenAndRequiredThenAccepted() {
        assertInstanceOf(Decision.Allow.class, REQUIRED.decide("Bearer " + certificateBoundToken(CLIENT.certificate()),
                "GET", "/me", ProofOfPossession.certificate(CLIENT.certificate())));
    }

    @Test
    void decideWhenHtuCarriesTheContextPathThenTheRequestPathIsCompared() {
        String token = boundToken(KEY);
        String proof = DpopProofs.proof(KEY, "GET", ORIGIN + "/app/me", token, NOW).sign();
        assertInstanceOf(Decision.Allow.class, ENGINE.decide("DPoP " + token, "GET", "/me",
                new ProofOfPossession(List.of(proof), "/app/me", null)));
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().origin("https://api.example.test/v1"),
                        "not an http(s) origin such as https://api.example.com: 'https://api.example.test/v1'"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().origin("ftp://api.example.test"),
                        "not an http(s) origin such as https://api.example.com: 'ftp://api.example.test'"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().algorithms(List.of("HS256")),
                        "not an accepted DPoP proof algorithm (asymmetric only: ES256,ES384,ES512,PS256,PS384,PS512,"
                                + "RS256,RS384,RS512,EdDSA,Ed25519): 'HS256'"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().algorithms(List.of("none")),
                        "not an accepted DPoP proof algorithm (asymmetric only: ES256,ES384,ES512,PS256,PS384,PS512,"
                                + "RS256,RS384,RS512,EdDSA,Ed25519): 'none'"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().proofWindow(Duration.ZERO),
                        "proofWindow must be between 1 second and 10 minutes, got PT0S"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().replayCacheMaxEntries(0),
                        "replayCacheMaxEntries must be at least 1, got 0"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void buildWhenBadDpopSettingThenIllegalArgument(Runnable setting, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, setting::run).getMessage());
    }

    @Test
    void buildWhenOriginHasCaseAndDefaultPortThenNormalized() {
        assertEquals("https://api.example.test",
                DpopSettings.newBuilder().origin("HTTPS://API.example.test:443").build().origin());
        assertEquals("http://127.0.0.1:8080", DpopSettings.newBuilder().origin("http://127.0.0.1:8080/").build().origin());
        assertEquals("origin is required", assertThrows(IllegalStateException.class,
                () -> DpopSettings.newBuilder().build()).getMessage());
        assertEquals(Duration.ofSeconds(60), DpopSettings.newBuilder().origin(ORIGIN).build().proofWindow());
    }

    @Test
    void saturatingSubtractWhenOverflowThenClamped() {
        assertEquals(Long.MAX_VALUE, DpopProof.saturatingSubtract(Long.MAX_VALUE, -1));
        assertEquals(Long.MIN_VALUE, DpopProof.saturatingSubtract(Long.MIN_VALUE, 1));
        assertEquals(-2, DpopProof.saturatingSubtract(3, 5));
        assertNull(DpopProof.checkIat(1_000L, 1_000_000L, 60));
    }

    @Test
    void replayCacheWhenSameKeyTwiceThenSecondIsReplay() {
        ReplayCache cache = ReplayCache.inMemory(10);
        assertEquals(true, cache.markUsed("k", Duration.ofMinutes(2)));
        assertEquals(false, cache.markUsed("k", Duration.ofMinutes(2)));
        assertEquals(true, cache.markUsed("other", Duration.ofMinutes(2)));
        assertEquals("maxEntries must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> ReplayCache.inMemory(0)).getMessage());
    }

    @Test
    void replayCacheWhenRetentionPassedThenKeyForgotten() throws InterruptedException {
        ReplayCache cache = ReplayCache.inMemory(10);
        assertEquals(true, cache.markUsed("short", Duration.ofMillis(50)));
        assertEquals(true, cache.markUsed("long", Duration.ofMinutes(2)));
        Thread.sleep(200);
        // Caffeine's clock is the system ticker: past its retention a key is gone, another one stays.
        assertEquals(true, cache.markUsed("short", Duration.ofMillis(50)));
        assertEquals(false, cache.markUsed("long", Duration.ofMinutes(2)));
    }
}
