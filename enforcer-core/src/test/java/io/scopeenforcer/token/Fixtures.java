package io.scopeenforcer.token;

import com.nimbusds.jose.util.Base64URL;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Keys and issuers shared by this package's tests: RSA key generation is the slow part, done once per run. */
final class Fixtures {

    /** The fixed "now" of the table tests, a whole second. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String AUDIENCE = TestIssuer.DEFAULT_AUDIENCE;

    /** The main trusted issuer. */
    static final TestIssuer IDP = TestIssuer.create("https://idp.example.test", FIXED);
    /** A second trusted issuer with its own keys. */
    static final TestIssuer OTHER_IDP = TestIssuer.create("https://other-idp.example.test", FIXED);
    /** An issuer nobody trusts, with its own keys: the attacker. */
    static final TestIssuer ATTACKER = TestIssuer.create("https://idp.example.test", FIXED);
    /** A trusted issuer using HMAC with a shared secret. */
    static final String HMAC_ISSUER = "https://hmac-idp.example.test";
    /** 64 random bytes, made at run time like every key here: long enough for HS512. */
    static final byte[] HMAC_SECRET = randomBytes(64);

    private Fixtures() {
    }

    /** Trusts {@link #IDP}, {@link #OTHER_IDP} and the HMAC issuer; fixed clock; caching as given. */
    static TokenVerifier verifier(long cacheEntries) {
        return TokenVerifier.newBuilder()
                .trust(IDP.trustedIssuer())
                .trust(OTHER_IDP.trustedIssuer())
                .trust(TrustedIssuer.sharedSecret(HMAC_ISSUER, HMAC_SECRET).audience(AUDIENCE).build())
                .clock(FIXED)
                .cacheMaxEntries(cacheEntries)
                .build();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String b64(byte[] bytes) {
        return Base64URL.encode(bytes).toString();
    }

    /** The failure of a result, or null when it is valid. */
    static TokenFailure failureOf(TokenResult result) {
        return result instanceof TokenResult.Invalid ? ((TokenResult.Invalid) result).failure() : null;
    }

    /** The verified token of a result, failing the test with the failure otherwise. */
    static VerifiedToken valid(TokenResult result) {
        if (result instanceof TokenResult.Valid) {
            return ((TokenResult.Valid) result).token();
        }
        throw new AssertionError("expected a valid token, got " + result);
    }
}
