package io.scopeenforcer.example;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * An issuer the tests play: an RSA key made here, its public JWKS written to a file, and one app started with
 * {@code --issuer --jwks-file --audience} that trusts it. Tokens can carry any scope, which reaches the demo
 * resources no demo client may touch (credentials, roles).
 */
final class ExternalIssuer {

    static final String ISSUER = "https://idp.example.test";
    static final String AUDIENCE = "https://api.example.test";

    private static ExternalIssuer shared;

    private final RSAKey key;
    private final Api api;

    private ExternalIssuer(RSAKey key, Api api) {
        this.key = key;
        this.api = api;
    }

    static synchronized ExternalIssuer shared() {
        if (shared == null) {
            try {
                RSAKey key = rsaKey("test-key");
                Path jwks = Files.createTempFile("example-app-jwks", ".json");
                jwks.toFile().deleteOnExit();
                Files.writeString(jwks, new JWKSet(key).toPublicJWKSet().toString());
                ExampleApp.Running app = ExampleApp.start("--port=0", "--issuer=" + ISSUER,
                        "--jwks-file=" + jwks, "--audience=" + AUDIENCE + ",urn:opc:resource:scope:account");
                shared = new ExternalIssuer(key, new Api(app.baseUri()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    Api api() {
        return api;
    }

    /** The signing key, for tokens a test shapes itself (expired, odd claims). */
    RSAKey key() {
        return key;
    }

    /** A token of this issuer for {@code scope}, bound to {@code tenant}/{@code realm} when they are not null. */
    String token(String scope, String tenant, String realm) {
        return sign(key, claims(scope, tenant, realm, Instant.now().plusSeconds(300)));
    }

    static JWTClaimsSet claims(String scope, String tenant, String realm, Instant expiry) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("test-user")
                .audience(List.of(AUDIENCE))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiry))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", scope);
        if (tenant != null) {
            claims.claim("bi_t", tenant).claim("bi_r", realm);
        }
        return claims.build();
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
