package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestCertificates;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Opaque tokens whose RFC 7662 introspection answer carries {@code cnf} are bound exactly like a JWT's (RFC 9449
 * §6.2, RFC 8705 §3.2): {@code cnf.jkt} needs the DPoP scheme and a proof by that key whose {@code ath} is the
 * hash of the opaque token string, {@code cnf.x5t#S256} that TLS client certificate. A real introspection endpoint
 * on loopback (the test's {@link JwksServer} answering one document) gives the answers.
 */
class IntrospectedBoundTokenTest {

    static final String ISSUER = "https://opaque-idp.example.test";
    static final String AUDIENCE = TestIssuer.DEFAULT_AUDIENCE;
    static final String ORIGIN = "https://api.example.test";
    static final String OPAQUE = "opaque-token-0123456789";
    static final ECKey KEY = DpopProofs.newEcKey();
    static final ECKey OTHER_KEY = DpopProofs.newEcKey();
    static final TestCertificates.Issued CLIENT = TestCertificates.selfSigned("client");
    static final TestCertificates.Issued OTHER_CLIENT = TestCertificates.selfSigned("other");
    static final TestIssuer IDP = TestIssuer.create(ISSUER);

    private static JwksServer endpoint;
    private static Enforcer dpopBound;
    private static Enforcer certificateBound;

    static String answer(String cnf) {
        return "{\"active\":true,\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"client_id\":\"legacy\","
                + "\"scope\":\"a:read\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + ",\"cnf\":" + cnf + "}";
    }

    static Enforcer engine(String path) {
        TrustedIssuer issuer = TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet()).audience(AUDIENCE)
                .introspection(endpoint.uri(path), "resource-server", "resource-server-secret").build();
        return Enforcer.newBuilder().policy(RoutePolicy.parse("GET /me authenticated", "test.policy"))
                .verifier(TokenVerifier.newBuilder().trust(issuer).build())
                .dpop(DpopSettings.newBuilder().origin(ORIGIN).build()).build();
    }

    @BeforeAll
    static void start() {
        endpoint = JwksServer.start(IDP.publicJwkSet());
        endpoint.serveDocument("/introspect-jkt", answer("{\"jkt\":\"" + DpopProofs.thumbprint(KEY) + "\"}"));
        endpoint.serveDocument("/introspect-x5t", answer("{\"x5t#S256\":\""
                + TestCertificates.thumbprint(CLIENT.certificate()) + "\"}"));
        dpopBound = engine("/introspect-jkt");
        certificateBound = engine("/introspect-x5t");
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    static String proof(ECKey key, String token) {
        return DpopProofs.proof(key, "GET", ORIGIN + "/me", token, Instant.now()).sign();
    }

    static Arguments row(String name, Supplier<Decision> decision, Decision.Reason reason, String description) {
        return Arguments.of(name, decision, reason, description);
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                row("jkt-bound, DPoP with the right key and ath over the opaque token",
                        () -> dpopBound.decide("DPoP " + OPAQUE, "GET", "/me",
                                ProofOfPossession.dpop(proof(KEY, OPAQUE))), null, null),
                row("jkt-bound, sent as Bearer", () -> dpopBound.decide("Bearer " + OPAQUE, "GET", "/me"),
                        Decision.Reason.INVALID_TOKEN,
                        "the token is DPoP-bound; send it with the DPoP scheme and a proof"),
                row("jkt-bound, DPoP with another key", () -> dpopBound.decide("DPoP " + OPAQUE, "GET", "/me",
                        ProofOfPossession.dpop(proof(OTHER_KEY, OPAQUE))), Decision.Reason.INVALID_TOKEN,
                        "the token is bound to another DPoP key"),
                row("jkt-bound, ath over another token", () -> dpopBound.decide("DPoP " + OPAQUE, "GET", "/me",
                        ProofOfPossession.dpop(proof(KEY, "another-opaque-token"))), Decision.Reason.INVALID_DPOP_PROOF,
                        "the DPoP proof's ath is not the hash of the access token"),
                row("x5t-bound, with that client certificate", () -> certificateBound.decide("Bearer " + OPAQUE, "GET",
                        "/me", new ProofOfPossession(List.of(), null, CLIENT.certificate())), null, null),
                row("x5t-bound, without a certificate", () -> certificateBound.decide("Bearer " + OPAQUE, "GET", "/me"),
                        Decision.Reason.INVALID_TOKEN, "the token is bound to a TLS client certificate"),
                row("x5t-bound, with another certificate", () -> certificateBound.decide("Bearer " + OPAQUE, "GET",
                        "/me", new ProofOfPossession(List.of(), null, OTHER_CLIENT.certificate())),
                        Decision.Reason.INVALID_TOKEN, "the token is bound to another TLS client certificate"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("requests")
    void decideWhenIntrospectionAnswerHasCnfThenBoundLikeAJwt(String name, Supplier<Decision> request,
            Decision.Reason reason, String description) {
        Decision decision = request.get();
        if (reason == null) {
            Decision.Allow allow = assertInstanceOf(Decision.Allow.class, decision, decision::toString);
            assertEquals("legacy", allow.token().clientId());
            return;
        }
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(reason, deny.reason());
        assertEquals(description, deny.description());
        assertEquals(401, deny.status());
    }
}
