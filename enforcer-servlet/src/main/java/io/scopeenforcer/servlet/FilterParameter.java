package io.scopeenforcer.servlet;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every parameter the filter reads, once: its name, its default and what it means. The filter's configuration,
 * the example app's flags and {@code --help}, and the README's parameter table (checked by a test) all read this
 * table, so a parameter cannot exist in one place and not another.
 *
 * <p>A name that is not here (nor a {@linkplain #deprecatedAlias() deprecated alias}) fails the filter's
 * {@code init()} with a suggestion: misspelt configuration must not be silently ignored.
 */
public enum FilterParameter {

    /** The trusted issuer. */
    ISSUER("issuer", "one of this and `issuers`", "the trusted issuer; the token's `iss` must equal it exactly. Alone (no `jwks-uri`"
            + " or `jwks-file`), its `jwks_uri` is discovered from `{issuer}/.well-known/openid-configuration`, else"
            + " RFC 8414 `/.well-known/oauth-authorization-server`, when first needed (503 until then); the"
            + " metadata's `issuer` must equal it exactly. With `{tenant}` in its path it is an issuer template, one"
            + " issuer per tenant (see Per-tenant issuers)"),
    /** Several trusted issuers, from a file. */
    ISSUERS("issuers", "",
            "several trusted issuers: a web-app resource (`/WEB-INF/issuers.properties`), `classpath:name`, or a file"
                    + " path, of `issuer.<name>.<setting>=value` lines (see Several issuers); replaces `issuer`, its key"
                    + " source, `introspection-*`, `audience`, `algorithms`, `clock-skew`, `strict-token-type` and"
                    + " `signature-provider`"),
    /** The issuer's JWKS URL. */
    JWKS_URI("jwks-uri", "one of these two, or none (discovery)",
            "the issuer's JWKS URL (`https`; `http` only on a loopback host), fetched with cache, refresh-ahead,"
                    + " rate limit and outage tolerance; for an issuer template, a JWKS URI template holding `{tenant}`"),
    /** A local JWKS file. */
    JWKS_FILE("jwks-file", "", "a local JWKS file instead"),
    /** Concrete issuers an issuer template holds. */
    MAX_CONCRETE_ISSUERS("max-concrete-issuers", "1000",
            "for an issuer template: the most concrete issuers (one per tenant and realm seen in a valid-looking"
                    + " `iss`, each with its keys) held at once; new ones are admitted at most 60 a minute"),
    /** RFC 7662 introspection endpoint for opaque tokens. */
    INTROSPECTION_ENDPOINT("introspection-endpoint", "off",
            "the issuer's RFC 7662 introspection endpoint (`https`; `http` only on a loopback host): tokens that are"
                    + " not JWTs are introspected there, with the two settings below as HTTP Basic client credentials"),
    /** Client id for introspection. */
    INTROSPECTION_CLIENT_ID("introspection-client-id", "", "this API's client id at the introspection endpoint"),
    /** Client secret for introspection. */
    INTROSPECTION_CLIENT_SECRET("introspection-client-secret", "",
            "its client secret; never logged (prefer a system property or an issuers file outside the war)"),
    /** Longest an introspection answer is trusted. */
    INTROSPECTION_CACHE_TTL("introspection-cache-ttl", "PT60S",
            "longest an active introspection answer is cached (never past the token's `exp` or `cache-max-ttl`):"
                    + " how late a revocation at the issuer can show; inactive answers are remembered 5 s"),
    /** Accepted audiences. */
    AUDIENCE("audience", "required", "accepted audiences, comma-separated; the token's `aud` must contain one"),
    /** Accepted JWS algorithms. */
    ALGORITHMS("algorithms", "RS256,RS384,RS512,PS256,ES256,ES384,EdDSA",
            "accepted JWS algorithms; `none` is refused; HMAC needs a shared secret (builder only)"),
    /** Tolerance on time claims. */
    CLOCK_SKEW("clock-skew", "60", "seconds (or ISO-8601 `PT1M`) of tolerance on `exp`, `nbf`, `iat`; at most 5 minutes"),
    /** Only {@code typ: at+jwt}. */
    STRICT_TOKEN_TYPE("strict-token-type", "false", "`true` accepts only `typ: at+jwt` (RFC 9068 §2.1)"),
    /** The JCA provider of signature checks. */
    SIGNATURE_PROVIDER("signature-provider", "auto",
            "who checks signatures: `auto` (Amazon Corretto Crypto Provider when on the class path and healthy;"
                    + " else BouncyCastle for ECDSA/EdDSA when on the class path and the JDK for RSA; else the JDK),"
                    + " `jdk`, `accp`, `bc`, or an installed provider's name; never installed globally"),
    /** Scope claims. */
    SCOPE_CLAIMS("scope-claims", "scope,scp", "claims read for scopes: a space-delimited string or an array"),
    /** Tenant claim. */
    TENANT_CLAIM("tenant-claim", "bi_t", "the claim binding a token to a tenant"),
    /** Realm claim. */
    REALM_CLAIM("realm-claim", "bi_r", "the claim binding a token to a realm (`*`: every realm of its tenant)"),
    /** The route policy. */
    POLICY("policy", "required",
            "the route policy: a web-app resource (`/WEB-INF/policy.txt`), `classpath:name`, or a file path"),
    /** Enforcing or permissive. */
    MODE("mode", "enforcing",
            "`permissive` logs and counts would-be denials and lets the request through (roll-out only)"),
    /** Token cache size. */
    CACHE_MAX_ENTRIES("cache-max-entries", "10000",
            "verified tokens cached (and tokens with cached decisions); `0` turns caching off"),
    /** Longest a verified token stays cached. */
    CACHE_MAX_TTL("cache-max-ttl", "PT10M", "longest a verified token stays cached; never past its `exp`"),
    /** Longest token accepted. */
    MAX_TOKEN_LENGTH("max-token-length", "16384", "longer tokens are refused before any decoding"),
    /** RFC 9728 resource identifier. */
    RESOURCE_METADATA("resource-metadata", "off",
            "this API's resource identifier (RFC 9728): serves `/.well-known/oauth-protected-resource` and adds"
                    + " `resource_metadata` to challenges"),
    /** The challenge's realm. */
    CHALLENGE_REALM("challenge-realm", "api",
            "the `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3); `realm` is a deprecated alias", "realm"),
    /** Retry-After on 503. */
    RETRY_AFTER("retry-after", "5", "seconds in `Retry-After` on a 503 (keys unavailable)"),
    /** Fetch the keys at start-up. */
    KEY_PREFETCH("key-prefetch", "off",
            "`warn` or `fail`: fetch every issuer's keys in `init()`; `warn` logs an issuer whose fetch failed,"
                    + " `fail` fails start-up naming the issuer and its JWKS URL"),
    /** DPoP: the API's origin as clients address it. */
    DPOP_ORIGIN("dpop-origin", "off",
            "turns on DPoP (RFC 9449): the scheme and host clients address this API at (`https://api.example.com`);"
                    + " a proof's `htu` must be it plus the request path. Configuration only, never `Host` or"
                    + " `X-Forwarded-*`"),
    /** DPoP proof algorithms. */
    DPOP_ALGORITHMS("dpop-algorithms", "ES256,ES384,ES512,PS256,PS384,PS512,RS256,RS384,RS512,EdDSA,Ed25519",
            "accepted DPoP proof algorithms (asymmetric only); the `algs` of the `DPoP` challenge"),
    /** The DPoP iat window. */
    DPOP_PROOF_WINDOW("dpop-proof-window", "60",
            "seconds (or ISO-8601) a proof's `iat` may be from now, either way; at most 10 minutes"),
    /** Replay cache size. */
    DPOP_REPLAY_CACHE_MAX_ENTRIES("dpop-replay-cache-max-entries", "100000",
            "used proofs (`jti`) remembered, for twice the proof window; size it above requests per second × 2 ×"
                    + " the window"),
    /** Where used proofs are remembered. */
    DPOP_REPLAY_CACHE("dpop-replay-cache", "memory",
            "`memory` (this instance only) or `redis://[:password@]host:port[/db]` (`rediss://` for TLS): a Redis"
                    + " shared by every instance, so a proof replayed to another one is refused too (RFC 9449 §11.1)."
                    + " Needs `io.lettuce:lettuce-core` on the class path"),
    /** Redis replay cache timeout. */
    DPOP_REPLAY_CACHE_TIMEOUT("dpop-replay-cache-timeout", "200",
            "milliseconds the Redis replay cache may take to connect or answer; slower is an outage"),
    /** What an outage of the Redis replay cache answers. */
    DPOP_REPLAY_CACHE_OUTAGE("dpop-replay-cache-outage", "fail-closed",
            "Redis down or slow: `fail-closed` answers DPoP requests 503 with `Retry-After`; `fail-open` accepts"
                    + " proofs WITHOUT replay protection (logs a warning once per outage)"),
    /** DPoP server nonces. */
    DPOP_NONCE("dpop-nonce", "off",
            "`required`: every DPoP proof must carry a `nonce` this API issued (RFC 9449 §9); without one, or with an"
                    + " unknown or stale one, 401 `use_dpop_nonce` and a fresh nonce in `DPoP-Nonce`"),
    /** How long a DPoP nonce lasts. */
    DPOP_NONCE_LIFETIME("dpop-nonce-lifetime", "300",
            "seconds (or ISO-8601) a nonce is accepted: at least this, at most twice it; 1 s to 1 day"),
    /** The key of DPoP nonces. */
    DPOP_NONCE_SECRET("dpop-nonce-secret", "",
            "the HMAC key of nonces, at least 32 bytes; unset, a random key of this instance. Several instances behind"
                    + " one name need the same secret (and clocks that agree), or a nonce from one is refused by another;"
                    + " never logged"),
    /** Only sender-constrained tokens. */
    SENDER_CONSTRAINED("sender-constrained", "optional",
            "`required` accepts only tokens bound by `cnf` to a DPoP key or a TLS client certificate, `dpop` only"
                    + " DPoP-bound tokens (no `Bearer` challenge then); bound tokens are always held to their binding"),
    /** The proxy's client-certificate header. */
    CLIENT_CERTIFICATE_HEADER("client-certificate-header", "off",
            "behind a TLS-terminating proxy, the header it puts the client certificate in (RFC 9440 `Client-Cert`"
                    + " `:base64:`, or a URL-encoded PEM); the proxy must drop it from clients. Off: the container's"
                    + " TLS certificate only");

    /** The prefix of system properties and context params that configure the filter. */
    public static final String PREFIX = "enforcer.";

    private final String parameterName;
    private final String defaultValue;
    private final String description;
    private final String deprecatedAlias;

    FilterParameter(String name, String defaultValue, String description) {
        this(name, defaultValue, description, null);
    }

    FilterParameter(String name, String defaultValue, String description, String deprecatedAlias) {
        this.parameterName = name;
        this.defaultValue = defaultValue;
        this.description = description;
        this.deprecatedAlias = deprecatedAlias;
    }

    /** The name as written in web.xml ({@code clock-skew}). */
    public String parameterName() {
        return parameterName;
    }

    /** The default as the README states it ({@code required}, {@code off}, or a value). */
    public String defaultValue() {
        return defaultValue;
    }

    /** What it means, one line of Markdown. */
    public String description() {
        return description;
    }

    /** An older name still read for one release, with a warning; null when there is none. */
    public String deprecatedAlias() {
        return deprecatedAlias;
    }

    /** The names this parameter is read under, in order of precedence: its name, then its deprecated alias. */
    public List<String> spellings() {
        return deprecatedAlias == null ? List.of(parameterName) : List.of(parameterName, deprecatedAlias);
    }

    /** The parameter of this name or deprecated alias. */
    public static Optional<FilterParameter> named(String name) {
        return Arrays.stream(values())
                .filter(p -> p.parameterName.equals(name) || name.equals(p.deprecatedAlias))
                .findFirst();
    }

    /** Every name the filter reads, deprecated aliases included. */
    public static List<String> names() {
        return Arrays.stream(values()).map(FilterParameter::parameterName).toList();
    }

    /**
     * The parameter whose name is closest to {@code unknown} (case, {@code _} for {@code -}, a few typos), for a
     * "did you mean" message; empty when none is close.
     */
    public static Optional<FilterParameter> closest(String unknown) {
        String wanted = unknown.toLowerCase(Locale.ROOT).replace('_', '-');
        FilterParameter best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (FilterParameter p : values()) {
            int d = distance(wanted, p.parameterName);
            if (d < bestDistance) {
                best = p;
                bestDistance = d;
            }
        }
        // Close enough: a third of the name may differ (cache-max-entry, Mode, strict-token-typ, clock_skew).
        return best != null && bestDistance <= Math.max(2, best.parameterName.length() / 3)
                ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance; names are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
