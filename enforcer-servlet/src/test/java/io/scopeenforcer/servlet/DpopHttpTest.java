package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DPoP (RFC 9449) over real HTTP: a web app at {@code /app} on Jetty with {@code dpop-origin} set to the public
 * origin clients use ({@code https://api.example.test}, as behind a proxy), so a proof's {@code htu} is that origin
 * plus the request URI with its context path, whatever {@code Host} or {@code X-Forwarded-*} say. Every check of
 * RFC 9449 §4.3, the challenges of §7.1 beside the {@code Bearer} one, and the RFC 9728 metadata members.
 */
class DpopHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    static final String ORIGIN = "https://api.example.test";
    static final String ALGS = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519";
    static final String BEARER = Denials.CHALLENGE;
    static final String DPOP = "DPoP realm=\"api\", resource_metadata=\"" + FilterServer.METADATA_URL
            + "\", algs=\"" + ALGS + "\"";
    static final ECKey KEY = DpopProofs.newEcKey();
    static final ECKey OTHER_KEY = DpopProofs.newEcKey();

    private static FilterServer server;
    private static FilterServer tomcat;
    private static FilterServer required;
    private static FilterServer dpopOnly;

    @BeforeAll
    static void start() {
        Map<String, String> params = HARNESS.params();
        params.put("dpop-origin", ORIGIN);
        server = HARNESS.start(JettyContainer.INSTANCE, "/app", params);
        // Tomcat too: two DPoP headers and the request URI must read the same on both containers.
        tomcat = HARNESS.start(TomcatContainer.INSTANCE, "/app", params);
        Map<String, String> strict = HARNESS.params();
        strict.put("dpop-origin", ORIGIN);
        strict.put("sender-constrained", "required");
        required = HARNESS.start("/strict", strict);
        Map<String, String> only = HARNESS.params();
        only.put("dpop-origin", ORIGIN);
        only.put("sender-constrained", "dpop");
        dpopOnly = HARNESS.start("/dpop", only);
    }

    static String boundToken(ECKey key) {
        return IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(key))).sign();
    }

    static DpopProofs proof(String token) {
        return DpopProofs.proof(KEY, "GET", ORIGIN + "/app/me", token, Instant.now());
    }

    /** A GET /app/me with a token bound to {@link #KEY} and the proof {@code shape} makes. */
    static Request me(UnaryOperator<DpopProofs> shape) {
        String token = boundToken(KEY);
        return Request.of("GET", "/me", "Authorization", "DPoP " + token, "DPoP", shape.apply(proof(token)).sign());
    }

    static Arguments badProof(String name, Request request, String detail) {
        return Arguments.of(name, request, "invalid_dpop_proof", detail);
    }

    /** {@link #rows()} on Jetty and on Tomcat. */
    static Stream<Arguments> refused() {
        return rows().flatMap(row -> Stream.of("jetty", "tomcat").map(container -> {
            Object[] values = row.get();
            Object[] out = new Object[values.length + 1];
            out[0] = container;
            System.arraycopy(values, 0, out, 1, values.length);
            return Arguments.of(out);
        }));
    }

    static Stream<Arguments> rows() {
        String token = boundToken(KEY);
        String otherBound = boundToken(OTHER_KEY);
        return Stream.of(
                badProof("wrong htm", me(p -> p.claim("htm", "POST")), "the DPoP proof's htm is not the request method"),
                badProof("htu with a query", me(p -> p.claim("htu", ORIGIN + "/app/me?a=1")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu with a trailing slash", me(p -> p.claim("htu", ORIGIN + "/app/me/")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu of another host", me(p -> p.claim("htu", "https://other.example.test/app/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu without the context path", me(p -> p.claim("htu", ORIGIN + "/me")),
                        "the DPoP proof's htu is not the request URI"),
                badProof("htu of the loopback address the request was sent to",
                        me(p -> p.claim("htu", "http://127.0.0.1/app/me")), "the DPoP proof's htu is not the request URI"),
                badProof("stale iat", me(p -> p.claim("iat", Instant.now().minusSeconds(120).getEpochSecond())),
                        "the DPoP proof is too old"),
                badProof("future iat", me(p -> p.claim("iat", Instant.now().plusSeconds(120).getEpochSecond())),
                        "the DPoP proof's iat is in the future"),
                badProof("missing ath", me(p -> p.claim("ath", null)), "the DPoP proof has no ath"),
                badProof("ath of another token", me(p -> p.claim("ath", DpopProofs.ath(otherBound))),
                        "the DPoP proof's ath is not the hash of the access token"),
                badProof("a private key in jwk", me(DpopProofs::privateJwk),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                badProof("symmetric alg", me(p -> p.hmac(new byte[32])), "the DPoP proof's alg is not accepted"),
                badProof("alg none", me(DpopProofs::unsigned), "the DPoP proof is not a well-formed JWS with a public jwk"),
                badProof("no DPoP header", Request.of("GET", "/me", "Authorization", "DPoP " + token),
                        "a DPoP proof is required"),
                badProof("two DPoP headers", Request.of("GET", "/me", "Authorization", "DPoP " + token,
                        "DPoP", proof(token).sign(), "DPoP", proof(token).sign()), "more than one DPoP header"),
                Arguments.of("a token bound to another key", Request.of("GET", "/me", "Authorization",
                        "DPoP " + otherBound, "DPoP", proof(otherBound).sign()), "invalid_token",
                        "the token is bound to another DPoP key"),
                Arguments.of("a bound token sent as Bearer", Request.of("GET", "/me", "Authorization",
                        "Bearer " + token), "invalid_token",
                        "the token is DPoP-bound; send it with the DPoP scheme and a proof"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("refused")
    void requestWhenProofOrBindingWrongThen401WithDpopChallenge(String container, String name, Request request,
            String error, String detail) {
        Reply reply = (container.equals("jetty") ? server : tomcat).send(request);
        assertProblem(reply, 401, detail, null);
        boolean dpopScheme = request.headers().get(1).startsWith("DPoP ");
        String withError = (dpopScheme ? DPOP : BEARER) + ", error=\"" + error + "\", error_description=\"" + detail
                + "\"";
        assertEquals(dpopScheme ? List.of(withError, BEARER) : List.of(withError, DPOP),
                reply.headers().get("WWW-Authenticate"));
        assertEquals(error, json(reply).get("error"));
        assertNothingEchoed(reply, request.headers().get(1).substring(5).strip());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"jetty", "tomcat"})
    void requestWhenValidProofThenReachedOnceAndReplayRefused(String container) {
        FilterServer server = container.equals("jetty") ? DpopHttpTest.server : tomcat;
        String token = boundToken(KEY);
        // Host and X-Forwarded-* name another origin: the configured one counts.
        Request request = Request.of("GET", "/me?page=2", "Authorization", "DPoP " + token, "DPoP",
                DpopProofs.proof(KEY, "GET", "HTTPS://API.Example.Test/app/me", token, Instant.now()).sign(),
                "X-Forwarded-Host", "evil.example.test", "X-Forwarded-Proto", "http");
        Reply first = server.send(request);
        assertEquals(200, first.status(), first::body);
        assertEquals(IDP.token().claims().get("sub"), first.echo().get("subject"));
        Reply replay = server.send(request);
        assertProblem(replay, 401, "the DPoP proof was already used", null);
        assertEquals(List.of(DPOP + ", error=\"invalid_dpop_proof\", error_description=\"the DPoP proof was already used\"",
                BEARER), replay.headers().get("WWW-Authenticate"));
    }

    @Test
    void requestWhenProofRefusedThenOneAuditLineWithoutProofOrToken() {
        String token = boundToken(KEY);
        String proof = proof(token).claim("htm", "DELETE").sign();
        try (AuditLog log = AuditLog.capture()) {
            Reply reply = server.send(Request.of("GET", "/me", "Authorization", "DPoP " + token, "DPoP", proof));
            assertEquals(401, reply.status());
            List<String> lines = log.denials();
            assertEquals(1, lines.size(), lines::toString);
            String line = lines.get(0);
            assertEquals(true, line.startsWith("scope-enforcer deny: status=401 reason=invalid_dpop_proof method='GET'"
                    + " path='/app/me' rule="), line);
            assertEquals(true, line.endsWith(" client='test-client' subject='alice'"
                    + " detail='the DPoP proof's htm is not the request method'"), line);
            for (String secret : List.of(token, proof)) {
                for (String part : secret.split("\\.")) {
                    assertEquals(false, line.contains(part), () -> "echoed part of a secret: " + line);
                }
            }
        }
    }

    @Test
    void requestWhenNoTokenThenBothChallenges() {
        Reply reply = server.get("/me");
        assertEquals(401, reply.status());
        assertEquals(List.of(BEARER, DPOP), reply.headers().get("WWW-Authenticate"));
    }

    @Test
    void requestWhenUnboundBearerTokenThenAcceptedUnlessRequired() {
        String token = IDP.token().sign();
        assertEquals(200, server.get("/me", "Authorization", "Bearer " + token).status());
        Reply refused = required.get("/me", "Authorization", "Bearer " + token);
        assertProblem(refused, 401, "a sender-constrained token (DPoP or certificate-bound) is required", null);
        assertEquals("sender_binding", json(refused).get("token_failure"));
        String bound = boundToken(KEY);
        Reply dpop = required.get("/me", "Authorization", "DPoP " + bound, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/strict/me", bound, Instant.now()).sign());
        assertEquals(200, dpop.status(), dpop::body);
    }

    @Test
    void metadataWhenDpopOnThenNamesAlgorithmsAndRequirement() {
        Map<String, Object> optional = json(server.get("/.well-known/oauth-protected-resource"));
        assertEquals(List.of(ALGS.split(" ")), optional.get("dpop_signing_alg_values_supported"));
        assertEquals(false, optional.get("dpop_bound_access_tokens_required"));
        assertEquals(true, optional.get("tls_client_certificate_bound_access_tokens"));
        assertEquals(false, json(required.get("/.well-known/oauth-protected-resource"))
                .get("dpop_bound_access_tokens_required"));
        assertEquals(true, json(dpopOnly.get("/.well-known/oauth-protected-resource"))
                .get("dpop_bound_access_tokens_required"));
    }

    @Test
    void requestWhenOnlyDpopThenNoBearerChallengeAndBearerTokensRefused() {
        assertEquals(List.of(DPOP), dpopOnly.get("/me").headers().get("WWW-Authenticate"));
        String detail = "a DPoP-bound token, sent with the DPoP scheme, is required";
        Reply refused = dpopOnly.get("/me", "Authorization", "Bearer " + IDP.token().sign());
        assertProblem(refused, 401, detail, null);
        assertEquals(List.of(DPOP + ", error=\"invalid_token\", error_description=\"" + detail + "\""),
                refused.headers().get("WWW-Authenticate"));
        String bound = boundToken(KEY);
        Reply allowed = dpopOnly.get("/me", "Authorization", "DPoP " + bound, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/dpop/me", bound, Instant.now()).sign());
        assertEquals(200, allowed.status(), allowed::body);
    }

    @Test
    void requestWhenDpopSchemeAndScopeMissingThen403WithDpopChallenge() {
        String bound = boundToken(KEY);
        Reply reply = server.get("/paas/analytics/reports", "Authorization", "DPoP " + bound, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/app/paas/analytics/reports", bound, Instant.now()).sign());
        assertEquals(403, reply.status(), reply::body);
        assertEquals(List.of(DPOP + ", error=\"insufficient_scope\", error_description=\"the token lacks"
                + " urn:opc:resource:consumer:paas:analytics::read\", scope=\"urn:opc:resource:consumer:paas:analytics::read\""),
                reply.headers().get("WWW-Authenticate"));
    }

    static Map<String, Object> json(Reply reply) {
        try {
            return JSONObjectUtils.parse(reply.body());
        } catch (java.text.ParseException e) {
            throw new AssertionError("not JSON: " + reply.body(), e);
        }
    }
}
