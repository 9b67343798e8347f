package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import io.scopeenforcer.testing.DpopProofs;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DPoP end to end through the example app over real HTTP (RFC 9449 §5, §7): the development issuer binds a token to
 * the key of the token request's proof, and the API then accepts it only with a fresh proof of that key.
 */
class DpopFlowTest {

    private static final String REPORTS = "/paas/analytics/reports";

    private final Api api = Api.shared();
    private final ECKey key = DpopProofs.newEcKey();

    private String tokenUrl() {
        return api.base().resolve(TokenEndpoint.PATH).toString();
    }

    /** A valid token-request proof: no {@code ath}, since there is no access token yet. */
    private DpopProofs tokenProof(ECKey proofKey) {
        return DpopProofs.proof(proofKey, "POST", tokenUrl(), "unused", Instant.now()).claim("ath", null);
    }

    private HttpResponse<String> tokenRequest(String... proofs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.base().resolve(TokenEndpoint.PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Api.basic("paas-reader", "paas-reader-secret"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        for (String proof : proofs) {
            request.header("DPoP", proof);
        }
        return Api.send(request);
    }

    private HttpResponse<String> apiCall(String scheme, String token, String proof) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.base().resolve(REPORTS))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", scheme + " " + token)
                .GET();
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return Api.send(request);
    }

    private String dpopToken() {
        HttpResponse<String> response = tokenRequest(tokenProof(key).sign());
        assertEquals(200, response.statusCode(), response.body());
        return (String) Api.json(response).get("access_token");
    }

    private String apiProof(ECKey proofKey, String token) {
        return DpopProofs.proof(proofKey, "GET", api.base().resolve(REPORTS).toString(), token, Instant.now()).sign();
    }

    @Test
    void tokenRequestWithProofThenDpopBoundTokenOfThatKey() throws ParseException {
        HttpResponse<String> response = tokenRequest(tokenProof(key).sign());

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = Api.json(response);
        assertEquals("DPoP", body.get("token_type"));
        Map<String, Object> cnf = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet()
                .getJSONObjectClaim("cnf");
        assertEquals(Map.of("jkt", DpopProofs.thumbprint(key)), cnf);
    }

    @Test
    void tokenRequestWithoutProofThenBearerTokenWithoutCnf() throws ParseException {
        HttpResponse<String> response = tokenRequest();

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Bearer", Api.json(response).get("token_type"));
        assertNull(SignedJWT.parse((String) Api.json(response).get("access_token")).getJWTClaimsSet()
                .getClaim("cnf"));
    }

    /** How the API answers the DPoP-bound token: scheme, whose proof, status, error, error_description. */
    record Use(String name, String scheme, boolean otherKey, boolean withProof, int status, String error,
               String description) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Use> uses() {
        return Stream.of(
                new Use("DPoP scheme, fresh proof of the key", "DPoP", false, true, 200, null, null),
                new Use("same token as Bearer", "Bearer", false, false, 401, "invalid_token",
                        "the token is DPoP-bound; send it with the DPoP scheme and a proof"),
                new Use("DPoP scheme, proof of another key", "DPoP", true, true, 401, "invalid_token",
                        "the token is bound to another DPoP key"),
                new Use("DPoP scheme, no proof", "DPoP", false, false, 401, "invalid_dpop_proof",
                        "a DPoP proof is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uses")
    void dpopBoundTokenAtTheApi(Use use) {
        String token = dpopToken();
        String proof = use.withProof() ? apiProof(use.otherKey() ? DpopProofs.newEcKey() : key, token) : null;

        HttpResponse<String> response = apiCall(use.scheme(), token, proof);

        assertEquals(use.status(), response.statusCode(), response.body());
        if (use.error() != null) {
            assertEquals(use.error(), Api.json(response).get("error"));
            assertEquals(use.description(), Api.json(response).get("detail"));
        }
    }

    /** A token request's bad proof: how it is made, and the exact error_description of the 400. */
    record BadProof(String name, Function<DpopFlowTest, String[]> proofs, String description) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadProof> badProofs() {
        return Stream.of(
                new BadProof("htm GET", t -> one(t.tokenProof(t.key).claim("htm", "GET")),
                        "the DPoP proof's htm is not the request method"),
                new BadProof("htu of another endpoint", t -> one(t.tokenProof(t.key)
                        .claim("htu", t.api.base().resolve("/oauth2/v1/introspect").toString())),
                        "the DPoP proof's htu is not the request URI"),
                new BadProof("htu of another origin", t -> one(t.tokenProof(t.key)
                        .claim("htu", "http://127.0.0.1:" + t.api.base().getPort() + TokenEndpoint.PATH)),
                        "the DPoP proof's htu is not the request URI"),
                new BadProof("private jwk", t -> one(t.tokenProof(t.key).privateJwk()),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                new BadProof("HS256", t -> one(t.tokenProof(t.key).hmac(new byte[32])),
                        "the DPoP proof's alg is not accepted"),
                new BadProof("alg none (not a JWS)", t -> one(t.tokenProof(t.key).unsigned()),
                        "the DPoP proof is not a well-formed JWS with a public jwk"),
                new BadProof("typ JWT", t -> one(t.tokenProof(t.key).header("typ", "JWT")),
                        "the DPoP proof's typ is not dpop+jwt"),
                new BadProof("signed by another key", t -> one(t.tokenProof(t.key).signedBy(DpopProofs.newEcKey())),
                        "the DPoP proof's signature is invalid"),
                new BadProof("iat 5 minutes ago", t -> one(t.tokenProof(t.key)
                        .claim("iat", Instant.now().minusSeconds(300).getEpochSecond())), "the DPoP proof is too old"),
                new BadProof("no jti", t -> one(t.tokenProof(t.key).claim("jti", null)),
                        "the DPoP proof has no usable jti"),
                new BadProof("empty header", t -> one(""), "the DPoP proof is empty"),
                new BadProof("two DPoP headers", t -> new String[] {t.tokenProof(t.key).sign(),
                        t.tokenProof(t.key).sign()}, "more than one DPoP header"));
    }

    private static String[] one(DpopProofs proof) {
        return one(proof.sign());
    }

    private static String[] one(String proof) {
        return new String[] {proof};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProofs")
    void badTokenRequestProofThen400InvalidDpopProof(BadProof bad) {
        HttpResponse<String> response = tokenRequest(bad.proofs().apply(this));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals(Map.of("error", "invalid_dpop_proof", "error_description", bad.description()),
                Api.json(response));
        assertEquals("no-store", Api.header(response, "Cache-Control"));
    }

    @Test
    void replayedTokenRequestProofThen400() {
        String proof = tokenProof(key).sign();
        assertEquals(200, tokenRequest(proof).statusCode());

        HttpResponse<String> replay = tokenRequest(proof);

        assertEquals(400, replay.statusCode(), replay.body());
        assertEquals(Map.of("error", "invalid_dpop_proof", "error_description", "the DPoP proof was already used"),
                Api.json(replay));
    }

    /** The README's curl flow: proofs printed by {@code dpop-proof}, with a key file it makes owner-only. */
    @Test
    void dpopProofCommandMakesProofsTheIssuerAndTheApiAccept(@TempDir Path directory) {
        Path keyFile = directory.resolve("dpop-key.json");
        String proof = DpopProofCommand.proof(keyFile, "POST", tokenUrl(), null, Instant.now());
        HttpResponse<String> issued = tokenRequest(proof);
        assertEquals(200, issued.statusCode(), issued.body());
        String token = (String) Api.json(issued).get("access_token");

        HttpResponse<String> response = apiCall("DPoP", token, DpopProofCommand.proof(keyFile, "GET",
                api.base().resolve(REPORTS).toString(), token, Instant.now()));

        assertEquals(200, response.statusCode(), response.body());
        assertOwnerOnly(keyFile);
    }

    @Test
    void metadataAdvertisesDpopAlgorithmsAndNoCertificateBindingWithoutTls() {
        Map<String, Object> metadata = Api.json(api.send("GET", "/.well-known/oauth-authorization-server", null,
                null));

        assertEquals(List.of("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512",
                "EdDSA", "Ed25519"), metadata.get("dpop_signing_alg_values_supported"));
        assertEquals(false, metadata.get("tls_client_certificate_bound_access_tokens"));
        assertEquals(List.of("client_secret_basic", "client_secret_post", "none"),
                metadata.get("token_endpoint_auth_methods_supported"));
    }

    static void assertOwnerOnly(Path file) {
        try {
            assertTrue(Files.exists(file), file.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
