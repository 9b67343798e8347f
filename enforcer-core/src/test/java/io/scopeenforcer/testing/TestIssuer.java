package io.scopeenforcer.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.token.TrustedIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A test token issuer: an {@code iss} value, three key pairs made at run time (RSA 2048, EC P-256,
 * Ed25519) and a fluent {@link TokenBuilder} that mints signed access tokens, including deliberately broken
 * ones. Thread-safe; builders are not. Shared test fixture (core test-jar).
 *
 * <pre>
 *   TestIssuer idp = TestIssuer.create("https://idp.example.test", clock);
 *   TokenVerifier verifier = TokenVerifier.newBuilder().trust(idp.trustedIssuer()).clock(clock).build();
 *   String token = idp.token().scope("applications:read").tenant("acme").realm("prod").sign();
 * </pre>
 */
public final class TestIssuer {

    /** The audience tokens carry unless told otherwise, and that {@link #trustedIssuer()} accepts. */
    public static final String DEFAULT_AUDIENCE = "https://api.example.test";
    /** The subject tokens carry unless told otherwise. */
    public static final String DEFAULT_SUBJECT = "alice";
    /** The {@code client_id} tokens carry unless told otherwise. */
    public static final String DEFAULT_CLIENT_ID = "test-client";
    /** How long tokens live unless told otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final String issuer;
    private final Clock clock;
    private final TestKeys rsa;
    private final TestKeys ec;
    private final TestKeys ed25519;

    private TestIssuer(String issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.rsa = TestKeys.rsa("rsa-" + suffix);
        this.ec = TestKeys.ec("ec-" + suffix);
        this.ed25519 = TestKeys.ed25519("ed-" + suffix);
    }

    /** An issuer on the system clock. */
    public static TestIssuer create(String issuer) {
        return create(issuer, Clock.systemUTC());
    }

    /** An issuer whose tokens' {@code iat}/{@code exp} are relative to {@code clock}'s current instant. */
    public static TestIssuer create(String issuer, Clock clock) {
        return new TestIssuer(Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(clock, "clock"));
    }

    /** The {@code iss} value. */
    public String issuer() {
        return issuer;
    }

    /** The clock tokens are dated by. */
    public Clock clock() {
        return clock;
    }

    /** The RSA key: the default signing key. */
    public TestKeys rsa() {
        return rsa;
    }

    /** The EC P-256 key. */
    public TestKeys ec() {
        return ec;
    }

    /** The Ed25519 key. */
    public TestKeys ed25519() {
        return ed25519;
    }

    /** The three public keys. */
    public JWKSet publicJwkSet() {
        return new JWKSet(List.of(rsa.publicJwk(), ec.publicJwk(), ed25519.publicJwk()));
    }

    /** A trusted issuer with {@link #publicJwkSet()} in memory and {@link #DEFAULT_AUDIENCE}, other settings default. */
    public TrustedIssuer trustedIssuer() {
        return TrustedIssuer.jwkSet(issuer, publicJwkSet()).audience(DEFAULT_AUDIENCE).build();
    }

    /**
     * A token builder with these defaults: header {@code alg} RS256, {@code typ} {@code at+jwt}, {@code kid}
     * of the RSA key; claims {@code iss}, {@code sub} {@value #DEFAULT_SUBJECT}, {@code client_id}
     * {@value #DEFAULT_CLIENT_ID}, {@code aud} {@value #DEFAULT_AUDIENCE} (a string), {@code iat} now,
     * {@code exp} now + 5 min, a random {@code jti} (so every token string differs), no scope.
     */
    public TokenBuilder token() {
        return new TokenBuilder(this);
    }

    /** Issuer and key ids; never key material. */
    @Override
    public String toString() {
        return "TestIssuer[" + issuer + ", " + rsa.kid() + ", " + ec.kid() + ", " + ed25519.kid() + "]";
    }

    /**
     * Builds and signs one token. Header parameters and claims are plain JSON maps, so anything can be set,
     * including what no real issuer would send; a {@code null} value removes a member. Not thread-safe.
     */
    public static final class TokenBuilder {
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private Instant now;
        private TestKeys key;
        private byte[] hmacSecret;
        private boolean unsigned;
        private String signatureOverride;
        private String rawHeader;
        private String rawPayload;
        private byte[] rawPayloadBytes;

        private TokenBuilder(TestIssuer issuer) {
            this.key = issuer.rsa;
            this.now = issuer.clock.instant();
            header.put("alg", key.algorithm());
            header.put("typ", "at+jwt");
            header.put("kid", key.kid());
            claims.put("iss", issuer.issuer);
            claims.put("sub", DEFAULT_SUBJECT);
            claims.put("client_id", DEFAULT_CLIENT_ID);
            claims.put("aud", DEFAULT_AUDIENCE);
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(DEFAULT_LIFETIME).getEpochSecond());
            claims.put("jti", UUID.randomUUID().toString());
        }

        /** Re-dates the token: {@code iat} = {@code now}, {@code exp} = {@code now} + 5 min; later relative setters use it. */
        public TokenBuilder now(Instant instant) {
            this.now = Objects.requireNonNull(instant, "instant");
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(DEFAULT_LIFETIME).getEpochSecond());
            return this;
        }

        /** Signs with {@code keys}: sets {@code alg} to its default algorithm and {@code kid} to its id. */
        public TokenBuilder signedWith(TestKeys keys) {
            this.key = Objects.requireNonNull(keys, "keys");
            this.hmacSecret = null;
            header.put("alg", keys.algorithm());
            header.put("kid", keys.kid());
            return this;
        }

        /**
         * Signs with HMAC using {@code secret} (any bytes, e.g. an RSA public key's encoding); {@code alg}
         * becomes HS256 unless already HS384/HS512; {@code kid} is removed.
         */
        public TokenBuilder hmac(byte[] secret) {
            this.hmacSecret = secret.clone();
            Object alg = header.get("alg");
            if (!"HS384".equals(alg) && !"HS512".equals(alg)) {
                header.put("alg", "HS256");
            }
            header.remove("kid");
            return this;
        }

        /** Sets the header {@code alg}; the signature is made with this algorithm (when the key allows). */
        public TokenBuilder algorithm(String alg) {
            return header("alg", alg);
        }

        /** Sets the header {@code kid}. */
        public TokenBuilder keyId(String kid) {
            return header("kid", kid);
        }

        /** Removes the header {@code kid}. */
        public TokenBuilder noKeyId() {
            return header("kid", null);
        }

        /** Sets the header {@code typ}. */
        public TokenBuilder type(String typ) {
            return header("typ", typ);
        }

        /** Removes the header {@code typ}. */
        public TokenBuilder noType() {
            return header("typ", null);
        }

        /** Sets any header parameter to a JSON value (string, number, boolean, list, map); null removes it. */
        public TokenBuilder header(String name, Object value) {
            put(header, name, value);
            return this;
        }

        /** Sets {@code sub}. */
        public TokenBuilder subject(String sub) {
            return claim("sub", sub);
        }

        /** Removes {@code sub}. */
        public TokenBuilder noSubject() {
            return claim("sub", null);
        }

        /** Sets {@code client_id}; null removes it. */
        public TokenBuilder clientId(String clientId) {
            return claim("client_id", clientId);
        }

        /** Sets {@code iss}. */
        public TokenBuilder issuer(String iss) {
            return claim("iss", iss);
        }

        /** Sets {@code aud}: one value as a string, several as an array. */
        public TokenBuilder audience(String... aud) {
            return claim("aud", aud.length == 1 ? aud[0] : List.of(aud));
        }

        /** Sets {@code aud} as an array, even for one value. */
        public TokenBuilder audienceArray(String... aud) {
            return claim("aud", List.of(aud));
        }

        /** Sets the space-delimited {@code scope} claim. */
        public TokenBuilder scope(String spaceDelimited) {
            return claim("scope", spaceDelimited);
        }

        /** Sets the {@code scp} claim as an array. */
        public TokenBuilder scp(String... values) {
            return claim("scp", Arrays.asList(values));
        }

        /** Sets the tenant claim {@code bi_t}. */
        public TokenBuilder tenant(String tenant) {
            return claim("bi_t", tenant);
        }

        /** Sets the realm claim {@code bi_r}. */
        public TokenBuilder realm(String realm) {
            return claim("bi_r", realm);
        }

        /** Sets {@code iat} (epoch seconds). */
        public TokenBuilder issuedAt(Instant iat) {
            return claim("iat", iat.getEpochSecond());
        }

        /** Sets {@code nbf} (epoch seconds). */
        public TokenBuilder notBefore(Instant nbf) {
            return claim("nbf", nbf.getEpochSecond());
        }

        /** Sets {@code exp} (epoch seconds). */
        public TokenBuilder expiresAt(Instant exp) {
            return claim("exp", exp.getEpochSecond());
        }

        /** Sets {@code exp} to now plus {@code lifetime} (negative for an expired token). */
        public TokenBuilder expiresIn(Duration lifetime) {
            return expiresAt(now.plus(lifetime));
        }

        /** Sets {@code nbf} to now plus {@code offset} (positive for a token not yet valid). */
        public TokenBuilder notBeforeIn(Duration offset) {
            return notBefore(now.plus(offset));
        }

        /** Sets any claim to a JSON value; null removes it. */
        public TokenBuilder claim(String name, Object value) {
            put(claims, name, value);
            return this;
        }

        /** Leaves the signature empty (for {@code alg: none}). */
        public TokenBuilder unsigned() {
            this.unsigned = true;
            return this;
        }

        /** Uses this base64url text as the signature segment instead of signing. */
        public TokenBuilder signature(String base64url) {
            this.signatureOverride = base64url;
            return this;
        }

        /** Uses this exact JSON text as the header (before base64url), ignoring the header setters. */
        public TokenBuilder rawHeader(String json) {
            this.rawHeader = json;
            return this;
        }

        /** Uses this exact JSON text as the payload (before base64url), ignoring the claim setters. */
        public TokenBuilder rawPayload(String json) {
            this.rawPayload = json;
            return this;
        }

        /** Uses these exact bytes as the payload (before base64url), e.g. bytes that are not UTF-8. */
        public TokenBuilder rawPayloadBytes(byte[] payload) {
            this.rawPayloadBytes = payload.clone();
            return this;
        }

        /** The claims as they stand, a copy. */
        public Map<String, Object> claims() {
            return new LinkedHashMap<>(claims);
        }

        /** Serializes and signs: {@code base64url(header).base64url(payload).base64url(signature)}. */
        public String sign() {
            String headerJson = rawHeader != null ? rawHeader : JSONObjectUtils.toJSONString(header);
            String payloadJson = rawPayload != null ? rawPayload : JSONObjectUtils.toJSONString(claims);
            String signingInput = b64(headerJson) + "." + (rawPayloadBytes != null
                    ? Base64URL.encode(rawPayloadBytes).toString() : b64(payloadJson));
            String signature;
            if (signatureOverride != null) {
                signature = signatureOverride;
            } else if (unsigned) {
                signature = "";
            } else {
                String alg = String.valueOf(header.get("alg"));
                byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
                byte[] sig = hmacSecret != null ? TestKeys.hmac(alg, hmacSecret, input) : key.sign(alg, input);
                signature = Base64URL.encode(sig).toString();
            }
            return signingInput + "." + signature;
        }

        private static String b64(String json) {
            return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
        }

        private static void put(Map<String, Object> map, String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                map.remove(name);
            } else {
                map.put(name, value instanceof JWK ? ((JWK) value).toJSONObject() : value);
            }
        }
    }
}
