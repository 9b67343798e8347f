package io.scopeenforcer.token;

/**
 * Why a bearer token was not accepted. Every value but {@link #KEYS_UNAVAILABLE} is the client's fault and
 * maps to RFC 6750 {@code invalid_token} (401); {@code KEYS_UNAVAILABLE} means the verifier could not obtain
 * the issuer's keys, says nothing about the token, and maps to 503 with {@code Retry-After}.
 */
public enum TokenFailure {
    /** Not a compact JWS, not canonical base64url, not a JSON object, a claim of the wrong type, no exp. */
    MALFORMED("the token is malformed"),
    /** Longer than the configured maximum; rejected before any decoding. */
    TOO_LARGE("the token is too large"),
    /** JWE, unsecured ({@code alg: none}), nested, critical or unencoded-payload headers, or an algorithm
     * this issuer does not accept. */
    UNSUPPORTED("the token uses an unsupported format or algorithm"),
    /** The signature does not verify with the issuer's key. */
    BAD_SIGNATURE("the token signature is invalid"),
    /** The issuer publishes no key matching the token's {@code kid} and algorithm (after a rate-limited refetch). */
    UNKNOWN_KEY("the token was signed with an unknown key"),
    /** {@code exp} has passed (beyond the clock skew). */
    EXPIRED("the token has expired"),
    /** {@code nbf} or {@code iat} is in the future (beyond the clock skew). */
    NOT_YET_VALID("the token is not yet valid"),
    /** {@code iss} is absent or not a trusted issuer. */
    WRONG_ISSUER("the token issuer is not trusted"),
    /** No {@code aud} value is an audience accepted for the issuer. */
    WRONG_AUDIENCE("the token is not intended for this resource server"),
    /** The {@code typ} header is not an access-token type. */
    WRONG_TYPE("the token type is not accepted"),
    /**
     * The token is sender-constrained (RFC 7800 {@code cnf}) and the request does not prove the key: a DPoP-bound
     * token without its proof key (RFC 9449 §7.1) or sent as {@code Bearer}, a certificate-bound token without that
     * TLS client certificate (RFC 8705 §3), or a token without any binding where one is required.
     */
    SENDER_BINDING("the token is bound to a key the request does not prove"),
    /** The issuer's keys could not be fetched and none are cached: not the client's fault. */
    KEYS_UNAVAILABLE("the token issuer's keys are temporarily unavailable");

    private final String description;

    TokenFailure(String description) {
        this.description = description;
    }

    /** A short description, safe to send to a client: it never holds token content. */
    String description() {
        return description;
    }
}
