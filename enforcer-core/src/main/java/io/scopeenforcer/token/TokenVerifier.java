package io.scopeenforcer.token;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.scopeenforcer.internal.TokenAccess;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.internal.Verification;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies bearer access tokens (signed JWTs) for a set of {@linkplain TrustedIssuer trusted issuers} and
 * caches the results. Immutable and thread-safe; build one with {@link #newBuilder()} and share it.
 *
 * <p>A token is checked in this order, each step before anything costlier: its length (before decoding);
 * its shape (three canonical base64url segments; a five-part JWE is refused undecoded); the header
 * ({@code crit}, {@code b64}, nested {@code cty}, {@code typ}); the unverified {@code iss}, which picks the
 * issuer, so that an unknown issuer costs no key fetch; the algorithm, against that issuer's list; the
 * signature, with the issuer's keys (Nimbus {@code DefaultJWTProcessor}); and then, only for an authentic
 * token, {@code exp}, {@code nbf}, {@code iat} and {@code aud}. The token is parsed once.
 *
 * <p>Verified tokens are cached under the full token string until they expire ({@code exp} plus the clock
 * skew) or for {@code cacheMaxTtl}, whichever is first, and a hit re-checks the expiry against the clock.
 * Failures that cannot change (malformed, unsupported, bad signature, wrong issuer, audience or type,
 * expired) are cached briefly in a separate, smaller cache, so a flood of one bad token costs one
 * verification and a flood of distinct bad tokens never evicts good ones. Unknown-key, keys-unavailable and
 * not-yet-valid failures are never cached: they may change at the next JWKS fetch or second.
 */
public final class TokenVerifier {

    private static final System.Logger LOG = System.getLogger(TokenVerifier.class.getName());

    static final List<String> DEFAULT_SCOPE_CLAIMS = List.of("scope", "scp");
    static final String DEFAULT_TENANT_CLAIM = "bi_t";
    static final String DEFAULT_REALM_CLAIM = "bi_r";
    static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;
    /** How much longer than its token a string may be and still be kept as the token's cache key. */
    static final int MAX_KEPT_SLACK = 16;
    static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    static final Duration DEFAULT_CACHE_MAX_TTL = Duration.ofMinutes(10);
    static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(5);

    private static final Map<TokenFailure, TokenResult.Invalid> STANDARD = standardResults();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    static {
        TokenAccess.install((verifier, source, from, to) -> verifier.verification(source, from, to));
    }

    /** The issuers whose {@code iss} is fixed, by it. */
    private final Map<String, TrustedIssuer> issuers;
    /** Issuer templates, in the order they were trusted: an {@code iss} no fixed issuer has is matched against each. */
    private final List<TrustedIssuer> templates;
    /** Every trusted issuer and template, in the order they were trusted. */
    private final List<TrustedIssuer> trusted;
    private final int maxTokenLength;
    private final TokenCache cache;
    /** The issuer with an introspection endpoint (at most one, see build()), asked about opaque tokens. */
    private final List<TrustedIssuer> introspecting;
    /** Each issuer's claim reader, by {@link TrustedIssuer#configured()}: its own claim names, else the verifier's. */
    private final Map<String, TokenClaims> claims;
    /** For {@link #toString()}: the settings as built. */
    private final String settings;

    private TokenVerifier(Builder b) {
        this.trusted = List.copyOf(b.issuers.values());
        Map<String, TrustedIssuer> fixed = new LinkedHashMap<>();
        b.issuers.values().stream().filter(i -> !i.isTemplate()).forEach(i -> fixed.put(i.issuer(), i));
        this.issuers = Collections.unmodifiableMap(fixed);
        this.templates = trusted.stream().filter(TrustedIssuer::isTemplate).toList();
        Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
        List<String> scopeClaims = b.scopeClaims != null ? b.scopeClaims : DEFAULT_SCOPE_CLAIMS;
        String tenantClaim = b.tenantClaim != null ? b.tenantClaim : DEFAULT_TENANT_CLAIM;
        String realmClaim = b.realmClaim != null ? b.realmClaim : DEFAULT_REALM_CLAIM;
        this.maxTokenLength = b.maxTokenLength != null ? b.maxTokenLength : DEFAULT_MAX_TOKEN_LENGTH;
        long cacheMaxEntries = b.cacheMaxEntries != null ? b.cacheMaxEntries : DEFAULT_CACHE_MAX_ENTRIES;
        Duration cacheMaxTtl = b.cacheMaxTtl != null ? b.cacheMaxTtl : DEFAULT_CACHE_MAX_TTL;
        Duration negativeCacheTtl = b.negativeCacheTtl != null ? b.negativeCacheTtl : DEFAULT_NEGATIVE_CACHE_TTL;
        this.cache = new TokenCache(clock, cacheMaxEntries, cacheMaxTtl, negativeCacheTtl);
        Map<String, TokenClaims> readers = new LinkedHashMap<>();
        for (TrustedIssuer issuer : trusted) {
            readers.put(issuer.issuer(), new TokenClaims(clock, issuer.scopeClaims().orElse(scopeClaims),
                    issuer.tenantClaim().orElse(tenantClaim), issuer.realmClaim().orElse(realmClaim)));
        }
        this.claims = Map.copyOf(readers);
        this.introspecting = issuers.values().stream().filter(i -> i.introspection() != null).toList();
        this.settings = "TokenVerifier[issuers=" + b.issuers.keySet() + ", scopeClaims=" + scopeClaims
                + ", tenantClaim=" + tenantClaim + ", realmClaim=" + realmClaim + ", maxTokenLength="
                + maxTokenLength + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheMaxTtl=" + cacheMaxTtl
                + ", negativeCacheTtl=" + negativeCacheTtl + "]";
    }

    /** Starts a builder; at least one {@link Builder#trust(TrustedIssuer) trusted issuer} is required. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Verifies a compact JWS access token (the bearer token without the {@code Bearer } prefix). Never throws
     * for bad input: every problem is a {@link TokenResult.Invalid} whose description is safe to send to the
     * client. {@link TokenFailure#KEYS_UNAVAILABLE} is not the client's fault (answer 503).
     *
     * @throws NullPointerException when {@code compactJwt} is null
     */
    public TokenResult verify(String compactJwt) {
        Objects.requireNonNull(compactJwt, "compactJwt");
        return verification(compactJwt, 0, compactJwt.length()).result();
    }

    /**
     * {@link #verify} of {@code source[from, to)} with the token's cache entry, for the engine (through
     * {@link TokenAccess}). The cache is probed with a key over that part of {@code source}; the token is
     * copied out only on a miss. The key is kept as it is (holding {@code source}, e.g. {@code "Bearer " +
     * token}) unless {@code source} is more than {@value #MAX_KEPT_SLACK} characters longer than the token.
     */
    private Verification verification(String source, int from, int to) {
        if (to - from > maxTokenLength) {
            return Verification.uncached(STANDARD.get(TokenFailure.TOO_LARGE));
        }
        TokenKey probe = cache.enabled() ? TokenKey.probe(source, from, to) : null;
        Verification cached = cache.lookup(probe);
        if (probe != null) {
            probe.release();
        }
        if (cached != null) {
            return cached; // a hit, or a remembered failure; counted either way
        }
        String token = from == 0 && to == source.length() ? source : source.substring(from, to);
        TokenResult result = verifyUncached(token);
        long skew = result instanceof TokenResult.Valid valid ? clockSkewMillis(valid.token().issuer()) : 0;
        // An active introspection answer is trusted for a while only (RFC 7662 §4): a revocation must show.
        long lifetime = result instanceof TokenResult.Valid && !introspecting.isEmpty()
                && CompactJws.shape(token, new int[2]) != CompactJws.Shape.JWS
                ? introspecting.get(0).introspectionCacheTtlMillis() : Long.MAX_VALUE;
        TokenKey key = null;
        if (cache.enabled()) {
            // A key to keep, not the probe: over the header, unless that is much longer than the token.
            key = source.length() - (to - from) > MAX_KEPT_SLACK ? new TokenKey(token) : new TokenKey(source, from, to);
        }
        return cache.remember(key, result, skew, lifetime);
    }

    /** The clock skew of a verified token's issuer: a fixed one's, else that of the template its {@code iss} matches. */
    private long clockSkewMillis(String iss) {
        TrustedIssuer fixed = issuers.get(iss);
        if (fixed != null) {
            return fixed.clockSkewMillis();
        }
        // A verified token's iss matched one of them; a skew of 0 would only shorten its cache entry.
        return templates.stream().filter(t -> t.concrete().matches(iss)).findFirst()
                .map(TrustedIssuer::clockSkewMillis).orElse(0L);
    }

    /**
     * A snapshot of the cache counters. With caching off, every verification counts as a miss.
     */
    public TokenCacheStats stats() {
        return cache.stats();
    }

    /** The trusted issuers, in the order they were added; for readiness checks and diagnostics. */
    public List<TrustedIssuer> trustedIssuers() {
        return trusted;
    }

    /** The trusted issuers and the settings; no key material. */
    @Override
    public String toString() {
        return settings;
    }

    /** Runs Caffeine's pending maintenance, so sizes are exact; for tests. */
    void cleanUp() {
        cache.cleanUp();
    }

    /** The shared result for a failure without a specific description. */
    static TokenResult.Invalid standard(TokenFailure failure) {
        return STANDARD.get(failure);
    }

    private TokenResult verifyUncached(String token) {
        try {
            return verifySigned(token);
        } catch (RuntimeException e) {
            // A parser corner case must not become a 500: the token is refused. The exception's message
            // may quote token content, so only its class is logged.
            LOG.log(System.Logger.Level.WARNING, "unexpected {0} while verifying a token; rejected as malformed",
                    e.getClass().getName());
            return STANDARD.get(TokenFailure.MALFORMED);
        }
    }

    private TokenResult verifySigned(String token) {
        int[] dots = new int[2];
        switch (CompactJws.shape(token, dots)) {
            case JWE:
                return invalid(TokenFailure.UNSUPPORTED, "encrypted tokens (JWE) are not accepted");
            case MALFORMED:
                if (!introspecting.isEmpty() && isB64Token(token)) {
                    return introspect(token);
                }
                return invalid(TokenFailure.MALFORMED, "the token is not a compact JWS");
            default:
                break;
        }
        Base64URL headerPart = new Base64URL(token.substring(0, dots[0]));
        JWSHeader header = parseHeader(headerPart, dots[1] == token.length() - 1);
        if (header == null) {
            return diagnose(headerPart, dots[1] == token.length() - 1);
        }
        TypeClass type = typeClass(header.getType());
        TokenResult.Invalid refused = checkHeader(header, type);
        if (refused != null) {
            return refused;
        }

        // The shape check passed: the token is base64url and dots, ASCII. Its bytes are the signing input
        // (up to the second dot) and hold the two encoded parts, decoded here without copies of the string.
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        Map<String, Object> rawClaims = ClaimsJson.parse(decode(ascii, dots[0] + 1, dots[1]));
        if (rawClaims == null) {
            // RFC 7519 §7.2 / RFC 8259 §8.1: the claims set is UTF-8 JSON; bytes that are not UTF-8 are refused,
            // never replaced with U+FFFD (which would let two different byte strings read as one claim value).
            return invalid(TokenFailure.MALFORMED, "the token claims are not a valid UTF-8 JSON object");
        }
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(rawClaims);
        } catch (ParseException e) {
            // The payload is one JSON object (parsed above): Nimbus refuses it only for a registered claim of the
            // wrong JSON type (RFC 7519 §4.1), e.g. "sub": {} or "exp": true. Name the fault as checkClaims does
            // for the same claims Nimbus lets through ("sub": 5, "nbf": 1e20), so one fault has one description.
            return invalid(TokenFailure.MALFORMED, ClaimsJson.epochSeconds(rawClaims, "exp") == ClaimsJson.OUT_OF_RANGE
                    || ClaimsJson.epochSeconds(rawClaims, "nbf") == ClaimsJson.OUT_OF_RANGE
                    || ClaimsJson.epochSeconds(rawClaims, "iat") == ClaimsJson.OUT_OF_RANGE
                    ? "a token time claim is not a number of seconds in range" : "a token claim has the wrong type");
        }
        String iss = claims.getIssuer();
        TrustedIssuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null && iss != null) {
            for (TrustedIssuer template : templates) {
                ConcreteIssuers.Resolved resolved = template.concrete().resolve(iss);
                if (resolved.matched()) {
                    if (resolved.issuer() == null) {
                        LOG.log(System.Logger.Level.DEBUG, "issuer template {0}: a new concrete issuer was not"
                                + " admitted (rate limit)", template.issuer());
                        return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
                    }
                    issuer = resolved.issuer();
                    break;
                }
            }
        }
        if (issuer == null) {
            // The unverified iss and aud go with the failure, for the operator's log line only.
            return TokenResult.Invalid.of(TokenFailure.WRONG_ISSUER, iss, claims.getAudience());
        }
        refused = checkAlgorithm(issuer, header, type);
        if (refused != null) {
            return refused;
        }

        refused = verifySignature(issuer, header, token, ascii, dots[1]);
        if (refused != null) {
            return refused;
        }
        return this.claims.get(issuer.configured()).check(issuer, claims, rawClaims);
    }

    /**
     * An opaque token, asked of the introspecting issuer (RFC 7662): an active answer that does not name another
     * issuer is checked as claims. Unreachable: keys unavailable; not active: inactive.
     */
    private TokenResult introspect(String token) {
        boolean unreachable = false;
        for (TrustedIssuer issuer : introspecting) {
            Map<String, Object> answer;
            try {
                answer = issuer.introspection().introspect(token);
            } catch (java.io.IOException | RuntimeException e) {
                // The token is never logged; the exception names only the endpoint's status or the I/O failure.
                LOG.log(System.Logger.Level.WARNING, "introspection for issuer {0} failed: {1}", issuer.issuer(),
                        e.getClass().getSimpleName());
                unreachable = true;
                continue;
            }
            if (answer == null) {
                LOG.log(System.Logger.Level.WARNING, "introspection for issuer {0}: the answer is not a JSON object",
                        issuer.issuer());
                unreachable = true;
                continue;
            }
            if (!Boolean.TRUE.equals(answer.get("active"))) {
                continue;
            }
            Object iss = answer.get("iss");
            if (iss != null && !issuer.issuer().equals(iss)) {
                continue; // RFC 7662 §2.2: the answer names the issuer; a token of another issuer is not this one's
            }
            JWTClaimsSet claims;
            try {
                claims = JWTClaimsSet.parse(answer);
            } catch (ParseException e) {
                return invalid(TokenFailure.MALFORMED, "a token claim has the wrong type");
            }
            return this.claims.get(issuer.issuer()).check(issuer, claims, answer);
        }
        return unreachable ? STANDARD.get(TokenFailure.KEYS_UNAVAILABLE) : STANDARD.get(TokenFailure.INACTIVE);
    }

    /** RFC 6750 §2.1 b64token: what an opaque bearer token may hold. */
    private static boolean isB64Token(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The header checks, before the issuer is known: {@code crit}, {@code b64}, nested {@code cty}, {@code typ}. */
    private static TokenResult.Invalid checkHeader(JWSHeader header, TypeClass type) {
        // RFC 7515 §4.1.11: a recipient must reject critical extensions it does not understand; this
        // verifier understands none (b64 included, which changes what is signed, RFC 7797).
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return invalid(TokenFailure.UNSUPPORTED, "critical header parameters are not accepted");
        }
        if (!header.isBase64URLEncodePayload()) {
            return invalid(TokenFailure.UNSUPPORTED, "unencoded payloads (b64) are not accepted");
        }
        String cty = header.getContentType() == null ? null : asciiLower(header.getContentType());
        if (cty != null && (cty.equals("jwt") || cty.equals("application/jwt"))) {
            // RFC 7519 §5.2: cty JWT marks a nested token; an access token is never one.
            return invalid(TokenFailure.UNSUPPORTED, "nested tokens are not accepted");
        }
        if (type == TypeClass.OTHER) {
            return invalid(TokenFailure.WRONG_TYPE, "the token type is not an access token type");
        }
        return null;
    }

    /** The issuer's checks on the header: the algorithm pinned to its list, and {@code typ} when strict. */
    private static TokenResult.Invalid checkAlgorithm(TrustedIssuer issuer, JWSHeader header, TypeClass type) {
        if (!issuer.accepts(header.getAlgorithm())) {
            return invalid(TokenFailure.UNSUPPORTED, "the token algorithm "
                    + UntrustedText.quote(header.getAlgorithm().getName()) + " is not accepted");
        }
        if (issuer.strictType() && type != TypeClass.AT_JWT) {
            // RFC 9068 §2.1: typ at+jwt keeps ID tokens and other JWTs from passing as access tokens.
            return invalid(TokenFailure.WRONG_TYPE, "the token type must be at+jwt");
        }
        return null;
    }

    /**
     * Test seam, package-private and not API: the JWS layer of {@link #verify(String)} alone, for known-answer
     * vectors (Project Wycheproof) whose payloads are not JWT claims sets. Runs the same shape checks minus the
     * claims-set rules on the payload ({@link CompactJws#shape(String, int[], boolean)}), the same header and
     * algorithm checks, and the signature with {@code issuer}'s own key selector and verifier factory, in the
     * loop Nimbus's {@code DefaultJWTProcessor.process} runs (which parses the claims first, so it cannot take
     * these payloads). Never reads {@code iss} and checks no claim. Nothing is cached.
     *
     * @return null when the signature verified, else why the token was refused
     */
    static TokenResult.Invalid verifyJwsLayer(TrustedIssuer issuer, String token) {
        int[] dots = new int[2];
        switch (CompactJws.shape(token, dots, false)) {
            case JWE:
                return invalid(TokenFailure.UNSUPPORTED, "encrypted tokens (JWE) are not accepted");
            case MALFORMED:
                return invalid(TokenFailure.MALFORMED, "the token is not a compact JWS");
            default:
                break;
        }
        Base64URL headerPart = new Base64URL(token.substring(0, dots[0]));
        JWSHeader header = parseHeader(headerPart, dots[1] == token.length() - 1);
        if (header == null) {
            return diagnose(headerPart, dots[1] == token.length() - 1);
        }
        TypeClass type = typeClass(header.getType());
        TokenResult.Invalid refused = checkHeader(header, type);
        if (refused == null) {
            refused = checkAlgorithm(issuer, header, type);
        }
        if (refused != null) {
            return refused;
        }
        return verifySignature(issuer, header, token, token.getBytes(StandardCharsets.US_ASCII), dots[1]);
    }

    /**
     * The signature, with the issuer's key selector (keys from its configuration only, pinned to kid, type, use,
     * key_ops, alg and curve) and verifier factory: the loop of Nimbus's {@code DefaultJWTProcessor.process}
     * without its claims parse, which {@link #verifySigned} has done once, strictly, already.
     *
     * @return null when one of the selected keys verifies the signature, else why the token was refused
     */
    private static TokenResult.Invalid verifySignature(TrustedIssuer issuer, JWSHeader header, String token,
            byte[] ascii, int signingInputEnd) {
        try {
            byte[] signature = decode(ascii, signingInputEnd + 1, ascii.length);
            for (java.security.Key key : issuer.processor().getJWSKeySelector().selectJWSKeys(header, null)) {
                if (issuer.verifiers().verify(header, key, token, ascii, signingInputEnd, signature)) {
                    return null;
                }
            }
            return STANDARD.get(TokenFailure.BAD_SIGNATURE);
        } catch (UnknownKeyException e) {
            return STANDARD.get(TokenFailure.UNKNOWN_KEY);
        } catch (RateLimitReachedException e) {
            LOG.log(System.Logger.Level.DEBUG, "keys of issuer {0} unavailable, refetch rate-limited", issuer.issuer());
            return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
        } catch (KeySourceException e) {
            LOG.log(System.Logger.Level.WARNING, "keys of issuer {0} unavailable: {1}", issuer.issuer(), e.getMessage());
            return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
        } catch (JOSEException e) {
            return STANDARD.get(TokenFailure.BAD_SIGNATURE);
        }
    }

    /**
     * The JWS header, or null when it is not one Nimbus accepts or the signature is empty (an unsecured token):
     * what constructing Nimbus's {@code SignedJWT} refused, without its copy of the signing input.
     */
    private static JWSHeader parseHeader(Base64URL headerPart, boolean unsigned) {
        if (unsigned) {
            return null;
        }
        try {
            return JWSHeader.parse(headerPart);
        } catch (ParseException e) {
            return null;
        }
    }

    /** The bytes that canonical, unpadded base64url {@code ascii[from, to)} encodes (checked by the shape check). */
    private static byte[] decode(byte[] ascii, int from, int to) {
        java.nio.ByteBuffer decoded = BASE64URL.decode(java.nio.ByteBuffer.wrap(ascii, from, to - from));
        byte[] array = decoded.array();
        return decoded.arrayOffset() == 0 && decoded.remaining() == array.length ? array
                : Arrays.copyOfRange(array, decoded.arrayOffset() + decoded.position(),
                        decoded.arrayOffset() + decoded.limit());
    }

    /**
     * Why Nimbus refused the header or signature: an unsecured (any spelling of {@code none}) or JWE header
     * is unsupported; anything else, an empty signature included, is malformed.
     */
    private static TokenResult.Invalid diagnose(Base64URL headerPart, boolean unsigned) {
        Header header;
        try {
            header = Header.parse(headerPart);
        } catch (ParseException e) {
            return invalid(TokenFailure.MALFORMED, "the token header is not valid");
        }
        if (header.getAlgorithm() == null) {
            // Nimbus reads a header with "enc" and no "alg" as a JWE header without an algorithm.
            return invalid(TokenFailure.MALFORMED, "the token header is not valid");
        }
        if (header instanceof PlainHeader || header.getAlgorithm().getName().equalsIgnoreCase("none")) {
            // RFC 8725 §3.2: alg none is never accepted.
            return invalid(TokenFailure.UNSUPPORTED, "unsecured tokens (alg none) are not accepted");
        }
        if (header instanceof JWEHeader) {
            return invalid(TokenFailure.UNSUPPORTED, "encrypted tokens (JWE) are not accepted");
        }
        return invalid(TokenFailure.MALFORMED, unsigned ? "the token is not signed" : "the token header is not valid");
    }

    /** How a {@code typ} header classifies. */
    private enum TypeClass { ABSENT, JWT, AT_JWT, OTHER }

    /**
     * Classifies {@code typ}: media types compare case-insensitively (RFC 2045), but only over ASCII, so that
     * a dotless or dotted i (Turkish locale, or {@code equalsIgnoreCase}) cannot spell {@code application}.
     * RFC 7515 §4.1.9 lets the {@code application/} prefix be omitted.
     */
    private static TypeClass typeClass(JOSEObjectType type) {
        if (type == null) {
            return TypeClass.ABSENT;
        }
        String t = asciiLower(type.getType());
        if (t == null) {
            return TypeClass.OTHER;
        }
        switch (t) {
            case "at+jwt":
            case "application/at+jwt":
                return TypeClass.AT_JWT;
            case "jwt":
            case "application/jwt":
                return TypeClass.JWT;
            default:
                return TypeClass.OTHER;
        }
    }

    /** Lower-cases printable ASCII; null when the value holds anything else. */
    private static String asciiLower(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < out.length; i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return null;
            }
            out[i] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return new String(out);
    }

    private static TokenResult.Invalid invalid(TokenFailure failure, String description) {
        return new TokenResult.Invalid(failure, description);
    }

    private static Map<TokenFailure, TokenResult.Invalid> standardResults() {
        Map<TokenFailure, TokenResult.Invalid> map = new EnumMap<>(TokenFailure.class);
        for (TokenFailure f : TokenFailure.values()) {
            map.put(f, TokenResult.Invalid.of(f));
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * Collects the settings of a {@link TokenVerifier}. Each setting may be given once, except
     * {@link #trust(TrustedIssuer)}; {@link #build()} checks the combination. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
        private Clock clock;
        private List<String> scopeClaims;
        private String tenantClaim;
        private String realmClaim;
        private Integer maxTokenLength;
        private Long cacheMaxEntries;
        private Duration cacheMaxTtl;
        private Duration negativeCacheTtl;

        private Builder() {
        }

        /**
         * Trusts one more issuer. Repeatable; the issuers' {@code iss} values must differ.
         *
         * @throws IllegalStateException when an issuer with the same {@code iss} is already trusted
         */
        public Builder trust(TrustedIssuer issuer) {
            Objects.requireNonNull(issuer, "issuer");
            if (issuers.putIfAbsent(issuer.issuer(), issuer) != null) {
                throw new IllegalStateException("trust: issuer " + issuer.issuer() + " is already trusted");
            }
            return this;
        }

        /**
         * The clock for every time check ({@code exp}, {@code nbf}, {@code iat}) and for the token caches'
         * expiry; default {@link Clock#systemUTC()}. The JWKS cache keeps Nimbus's system clock.
         */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            checkUnset(this.clock, "clock");
            this.clock = clock;
            return this;
        }

        /**
         * The claims scopes are read from, each a space-delimited string or an array of strings; the scopes
         * of all of them are combined. Default {@code [scope, scp]}.
         *
         * @throws IllegalArgumentException when empty or holding an empty or repeated name
         */
        public Builder scopeClaims(List<String> names) {
            Objects.requireNonNull(names, "scopeClaims");
            checkUnset(scopeClaims, "scopeClaims");
            this.scopeClaims = TokenClaims.checkScopeClaims(names, "scopeClaims");
            return this;
        }

        /** The claim holding the tenant; default {@code bi_t}; an issuer may set its own ({@link TrustedIssuer.Builder#tenantClaim}). */
        public Builder tenantClaim(String name) {
            checkUnset(tenantClaim, "tenantClaim");
            this.tenantClaim = TokenClaims.checkClaimName(name, "tenantClaim");
            return this;
        }

        /** The claim holding the realm; default {@code bi_r}. */
        public Builder realmClaim(String name) {
            checkUnset(realmClaim, "realmClaim");
            this.realmClaim = TokenClaims.checkClaimName(name, "realmClaim");
            return this;
        }

        /**
         * The longest token accepted, in characters, checked before any decoding; default 16384.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder maxTokenLength(int chars) {
            checkUnset(maxTokenLength, "maxTokenLength");
            if (chars <= 0) {
                throw new IllegalArgumentException("maxTokenLength must be positive, got " + chars);
            }
            this.maxTokenLength = chars;
            return this;
        }

        /**
         * The most verified tokens cached; default 10,000; 0 turns every cache off. Failures are cached
         * apart, at most a tenth as many.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder cacheMaxEntries(long entries) {
            checkUnset(cacheMaxEntries, "cacheMaxEntries");
            if (entries < 0) {
                throw new IllegalArgumentException("cacheMaxEntries must not be negative, got " + entries);
            }
            this.cacheMaxEntries = entries;
            return this;
        }

        /**
         * The longest a verified token stays cached, even when its {@code exp} is later; default 10 min. It
         * bounds how long a token keeps working after its key is withdrawn from the issuer's JWKS.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder cacheMaxTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "cacheMaxTtl");
            checkUnset(cacheMaxTtl, "cacheMaxTtl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("cacheMaxTtl must be positive, got " + ttl);
            }
            this.cacheMaxTtl = ttl;
            return this;
        }

        /**
         * How long a failure that cannot change is remembered; default 5 s; zero turns the negative cache off.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder negativeCacheTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "negativeCacheTtl");
            checkUnset(negativeCacheTtl, "negativeCacheTtl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("negativeCacheTtl must not be negative, got " + ttl);
            }
            this.negativeCacheTtl = ttl;
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @throws IllegalStateException when no issuer is trusted
         */
        public TokenVerifier build() {
            if (issuers.isEmpty()) {
                throw new IllegalStateException("trust: at least one trusted issuer is required");
            }
            List<String> introspecting = issuers.values().stream().filter(i -> i.introspection() != null)
                    .map(TrustedIssuer::issuer).toList();
            if (introspecting.size() > 1) {
                // An opaque token names no issuer: asking several endpoints would hand one issuer's bearer tokens
                // to another (RFC 6750 §5.2: a bearer token must not be disclosed to anyone but its audience).
                throw new IllegalStateException("trust: at most one issuer may use introspection, got "
                        + introspecting);
            }
            return new TokenVerifier(this);
        }


        private static void checkUnset(Object current, String setting) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set");
            }
        }
    }
}
