package io.scopeenforcer.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

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
    static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    static final Duration DEFAULT_CACHE_MAX_TTL = Duration.ofMinutes(10);
    static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(5);
    /** The negative cache holds at most this share of {@code cacheMaxEntries}. */
    static final int NEGATIVE_CACHE_DIVISOR = 10;
    /** Client id claims, in order of preference: RFC 9068, then OIDC, then Okta's. */
    private static final List<String> CLIENT_ID_CLAIMS = List.of("client_id", "azp", "cid");

    private static final Map<TokenFailure, TokenResult.Invalid> STANDARD = standardResults();

    private final Map<String, TrustedIssuer> issuers;
    private final Clock clock;
    private final List<String> scopeClaims;
    private final String tenantClaim;
    private final String realmClaim;
    private final int maxTokenLength;
    private final long cacheMaxEntries;
    private final Duration cacheMaxTtl;
    private final Duration negativeCacheTtl;
    /**
     * The claim names tokens carry, each kept once: the JSON parser makes new strings for every token, and a
     * cached token would otherwise hold its own copies of "iss", "exp"... (HeapPerToken, BENCHMARKS.md).
     */
    private final Map<String, String> claimNames;
    /** Verified tokens; null when caching is off. */
    private final Cache<TokenKey, CachedToken> positive;
    /** Failures that cannot change; null when negative caching is off. */
    private final Cache<TokenKey, TokenResult.Invalid> negative;
    private final LongAdder hits = new LongAdder();
    private final LongAdder negativeHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    private TokenVerifier(Builder b) {
        this.issuers = Collections.unmodifiableMap(new LinkedHashMap<>(b.issuers));
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.scopeClaims = b.scopeClaims != null ? b.scopeClaims : DEFAULT_SCOPE_CLAIMS;
        this.tenantClaim = b.tenantClaim != null ? b.tenantClaim : DEFAULT_TENANT_CLAIM;
        this.realmClaim = b.realmClaim != null ? b.realmClaim : DEFAULT_REALM_CLAIM;
        this.maxTokenLength = b.maxTokenLength != null ? b.maxTokenLength : DEFAULT_MAX_TOKEN_LENGTH;
        this.cacheMaxEntries = b.cacheMaxEntries != null ? b.cacheMaxEntries : DEFAULT_CACHE_MAX_ENTRIES;
        this.cacheMaxTtl = b.cacheMaxTtl != null ? b.cacheMaxTtl : DEFAULT_CACHE_MAX_TTL;
        this.negativeCacheTtl = b.negativeCacheTtl != null ? b.negativeCacheTtl : DEFAULT_NEGATIVE_CACHE_TTL;
        Map<String, String> names = new HashMap<>();
        for (String name : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "typ", "client_id", "azp",
                "cid", "auth_time", "acr", "amr", "groups", "roles", "entitlements")) {
            names.put(name, name);
        }
        scopeClaims.forEach(name -> names.put(name, name));
        names.put(tenantClaim, tenantClaim);
        names.put(realmClaim, realmClaim);
        this.claimNames = Map.copyOf(names);

        // Caffeine reads time from the same clock as the claim checks, so a fixed or stepped test clock
        // drives cache expiry too. Its maintenance (draining the read buffer, evicting) runs on the calling
        // thread, amortized, rather than as a task on the common pool: on a small machine the hand-off and the
        // second thread cost more than the work (CachedPathBenchmark, BENCHMARKS.md).
        Clock c = this.clock;
        Ticker ticker = () -> c.millis() * 1_000_000L;
        if (cacheMaxEntries == 0) {
            this.positive = null;
            this.negative = null;
        } else {
            long maxTtlNanos = cacheMaxTtl.toNanos();
            this.positive = Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .ticker(ticker)
                    .maximumSize(cacheMaxEntries)
                    .expireAfter(new UntilExpiry(maxTtlNanos))
                    .evictionListener((TokenKey k, CachedToken v, RemovalCause cause) -> countEviction(cause))
                    .build();
            this.negative = negativeCacheTtl.isZero() ? null : Caffeine.newBuilder()
                    .executor(Runnable::run)
                    .ticker(ticker)
                    .maximumSize(Math.max(1, cacheMaxEntries / NEGATIVE_CACHE_DIVISOR))
                    .expireAfterWrite(negativeCacheTtl.toNanos(), TimeUnit.NANOSECONDS)
                    .evictionListener((TokenKey k, TokenResult.Invalid v, RemovalCause cause) -> countEviction(cause))
                    .build();
        }
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
        if (compactJwt.length() > maxTokenLength) {
            return STANDARD.get(TokenFailure.TOO_LARGE);
        }
        if (positive == null) {
            misses.increment();
            return verifyUncached(compactJwt);
        }
        TokenKey key = new TokenKey(compactJwt);
        CachedToken cached = positive.getIfPresent(key);
        if (cached != null) {
            hits.increment();
            if (clock.millis() < cached.validUntilMillis) {
                return cached.result;
            }
            // Caffeine's expiry and this check read the same clock; this one also covers a clock that moved
            // between the two reads. Never served past exp.
            positive.invalidate(key);
            return STANDARD.get(TokenFailure.EXPIRED);
        }
        if (negative != null) {
            TokenResult.Invalid failed = negative.getIfPresent(key);
            if (failed != null) {
                negativeHits.increment();
                return failed;
            }
        }
        misses.increment();
        TokenResult result = verifyUncached(compactJwt);
        if (result instanceof TokenResult.Valid) {
            VerifiedToken token = ((TokenResult.Valid) result).token();
            long validUntil = saturatedAdd(token.expiresAt().toEpochMilli(),
                    issuers.get(token.issuer()).clockSkewMillis());
            positive.put(key, new CachedToken((TokenResult.Valid) result, validUntil));
        } else if (negative != null && isPermanent(((TokenResult.Invalid) result).failure())) {
            negative.put(key, (TokenResult.Invalid) result);
        }
        return result;
    }

    /**
     * A snapshot of the cache counters. With caching off, every verification counts as a miss.
     */
    public TokenCacheStats stats() {
        return new TokenCacheStats(hits.sum(), negativeHits.sum(), misses.sum(), evictions.sum(),
                positive == null ? 0 : positive.estimatedSize(), negative == null ? 0 : negative.estimatedSize());
    }

    /** The trusted issuers and the settings; no key material. */
    @Override
    public String toString() {
        return "TokenVerifier[issuers=" + issuers.keySet() + ", scopeClaims=" + scopeClaims + ", tenantClaim="
                + tenantClaim + ", realmClaim=" + realmClaim + ", maxTokenLength=" + maxTokenLength
                + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheMaxTtl=" + cacheMaxTtl
                + ", negativeCacheTtl=" + negativeCacheTtl + "]";
    }

    /** Runs Caffeine's pending maintenance, so sizes are exact; for tests. */
    void cleanUp() {
        if (positive != null) {
            positive.cleanUp();
        }
        if (negative != null) {
            negative.cleanUp();
        }
    }

    private void countEviction(RemovalCause cause) {
        if (cause.wasEvicted()) {
            evictions.increment();
        }
    }

    /** Failures that the same token string will always get again (for a clock that only moves forward). */
    private static boolean isPermanent(TokenFailure failure) {
        switch (failure) {
            case MALFORMED:
            case TOO_LARGE:
            case UNSUPPORTED:
            case BAD_SIGNATURE:
            case WRONG_ISSUER:
            case WRONG_AUDIENCE:
            case WRONG_TYPE:
            case EXPIRED:
                return true;
            default:
                // UNKNOWN_KEY and KEYS_UNAVAILABLE change with the next JWKS fetch, NOT_YET_VALID with time.
                return false;
        }
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
                return invalid(TokenFailure.MALFORMED, "the token is not a compact JWS");
            default:
                break;
        }
        Base64URL headerPart = new Base64URL(token.substring(0, dots[0]));
        SignedJWT jwt;
        try {
            jwt = new SignedJWT(headerPart, new Base64URL(token.substring(dots[0] + 1, dots[1])),
                    new Base64URL(token.substring(dots[1] + 1)));
        } catch (ParseException e) {
            return diagnose(headerPart, dots[1] == token.length() - 1);
        }
        JWSHeader header = jwt.getHeader();
        TypeClass type = typeClass(header.getType());
        TokenResult.Invalid refused = checkHeader(header, type);
        if (refused != null) {
            return refused;
        }

        Map<String, Object> rawClaims = ClaimsJson.parse(jwt.getPayload().toBytes());
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
        if (issuer == null) {
            return STANDARD.get(TokenFailure.WRONG_ISSUER);
        }
        refused = checkAlgorithm(issuer, header, type);
        if (refused != null) {
            return refused;
        }

        try {
            issuer.processor().process(jwt, null);
        } catch (UnknownKeyException e) {
            return STANDARD.get(TokenFailure.UNKNOWN_KEY);
        } catch (RateLimitReachedException e) {
            LOG.log(System.Logger.Level.DEBUG, "keys of issuer {0} unavailable, refetch rate-limited", iss);
            return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
        } catch (KeySourceException e) {
            LOG.log(System.Logger.Level.WARNING, "keys of issuer {0} unavailable: {1}", iss, e.getMessage());
            return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
        } catch (BadJOSEException | JOSEException e) {
            return STANDARD.get(TokenFailure.BAD_SIGNATURE);
        }
        return checkClaims(issuer, claims, rawClaims);
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
        SignedJWT jws;
        try {
            jws = new SignedJWT(headerPart, new Base64URL(token.substring(dots[0] + 1, dots[1])),
                    new Base64URL(token.substring(dots[1] + 1)));
        } catch (ParseException e) {
            return diagnose(headerPart, dots[1] == token.length() - 1);
        }
        JWSHeader header = jws.getHeader();
        TypeClass type = typeClass(header.getType());
        TokenResult.Invalid refused = checkHeader(header, type);
        if (refused == null) {
            refused = checkAlgorithm(issuer, header, type);
        }
        if (refused != null) {
            return refused;
        }
        try {
            for (java.security.Key key : issuer.processor().getJWSKeySelector().selectJWSKeys(header, null)) {
                if (jws.verify(issuer.processor().getJWSVerifierFactory().createJWSVerifier(header, key))) {
                    return null;
                }
            }
            return STANDARD.get(TokenFailure.BAD_SIGNATURE);
        } catch (UnknownKeyException e) {
            return STANDARD.get(TokenFailure.UNKNOWN_KEY);
        } catch (KeySourceException e) {
            return STANDARD.get(TokenFailure.KEYS_UNAVAILABLE);
        } catch (JOSEException e) {
            return STANDARD.get(TokenFailure.BAD_SIGNATURE);
        }
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

    private TokenResult checkClaims(TrustedIssuer issuer, JWTClaimsSet claims, Map<String, Object> raw) {
        // The time claims are read from the JSON itself, not from Nimbus's Dates: seconds * 1000 of a value such
        // as 1e16 or 2^63 overflows a long into the past, and a far-future nbf would then pass. A time outside
        // ClaimsJson's range is malformed; inside it, every sum below is far from overflowing.
        long exp = ClaimsJson.epochSeconds(raw, "exp");
        long nbf = ClaimsJson.epochSeconds(raw, "nbf");
        long iat = ClaimsJson.epochSeconds(raw, "iat");
        if (exp == ClaimsJson.ABSENT) {
            return invalid(TokenFailure.MALFORMED, "the token has no expiry");
        }
        if (exp == ClaimsJson.OUT_OF_RANGE || nbf == ClaimsJson.OUT_OF_RANGE || iat == ClaimsJson.OUT_OF_RANGE) {
            return invalid(TokenFailure.MALFORMED, "a token time claim is not a number of seconds in range");
        }
        long now = clock.millis();
        long skew = issuer.clockSkewMillis();
        // RFC 7519 §4.1.4: the current time must be before exp.
        if (now >= exp * 1000 + skew) {
            return STANDARD.get(TokenFailure.EXPIRED);
        }
        if (inFuture(nbf, now, skew) || inFuture(iat, now, skew)) {
            return STANDARD.get(TokenFailure.NOT_YET_VALID);
        }
        if (!hasAcceptedAudience(issuer.audiences(), claims.getAudience())) {
            return STANDARD.get(TokenFailure.WRONG_AUDIENCE);
        }
        String clientId;
        String subject;
        String tenant;
        String realm;
        try {
            clientId = firstString(raw, CLIENT_ID_CLAIMS);
            // Nimbus turns a numeric sub into a string; RFC 7519 §4.1.2 says StringOrURI, so read the JSON value.
            subject = ClaimsJson.string(raw, "sub");
            tenant = ClaimsJson.string(raw, tenantClaim);
            realm = ClaimsJson.string(raw, realmClaim);
        } catch (ParseException e) {
            return invalid(TokenFailure.MALFORMED, "a token claim has the wrong type");
        }
        if (subject == null && clientId == null) {
            return invalid(TokenFailure.MALFORMED, "the token names neither a subject nor a client");
        }
        VerifiedToken token = VerifiedToken.newBuilder()
                .issuer(issuer.issuer())
                .subject(subject)
                .clientId(clientId)
                .audiences(nonNull(claims.getAudience()))
                .scopes(scopes(claims))
                .tenant(tenant)
                .realm(realm)
                .expiresAt(Instant.ofEpochSecond(exp))
                .claims(frozenClaims(raw, claimNames))
                .build();
        return new TokenResult.Valid(token);
    }

    private static boolean inFuture(long epochSeconds, long now, long skew) {
        return epochSeconds != ClaimsJson.ABSENT && epochSeconds * 1000 - skew > now;
    }

    private static boolean hasAcceptedAudience(Set<String> accepted, List<String> aud) {
        for (String a : aud) {
            if (a != null && accepted.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static String firstString(Map<String, Object> claims, List<String> names) throws ParseException {
        for (String name : names) {
            String value = ClaimsJson.string(claims, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static List<String> nonNull(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The union of the configured scope claims: a space-delimited string or an array of strings each. */
    private ScopeSet scopes(JWTClaimsSet claims) {
        ScopeSet first = null;
        LinkedHashSet<Scope> union = null;
        for (String name : scopeClaims) {
            ScopeSet found = scopeClaim(claims.getClaim(name));
            if (found == null || found.isEmpty()) {
                continue;
            }
            if (first == null) {
                first = found;
            } else {
                if (union == null) {
                    union = new LinkedHashSet<>(first.scopes());
                }
                union.addAll(found.scopes());
            }
        }
        if (union != null) {
            return ScopeSet.of(union);
        }
        return first != null ? first : ScopeSet.empty();
    }

    private static ScopeSet scopeClaim(Object value) {
        if (value instanceof String) {
            return ScopeSet.fromClaim((String) value);
        }
        if (value instanceof List) {
            List<String> strings = new ArrayList<>();
            for (Object o : (List<?>) value) {
                if (o instanceof String) {
                    strings.add((String) o);
                }
            }
            return ScopeSet.fromValues(strings);
        }
        return null;
    }

    /** The claims as JSON values, dates back to epoch seconds, unmodifiable at every level. */
    private static Map<String, Object> frozenClaims(Map<String, Object> source, Map<String, String> names) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, source.size() * 2));
        for (Map.Entry<String, Object> e : source.entrySet()) {
            out.put(names.getOrDefault(e.getKey(), e.getKey()), freeze(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object freeze(Object value) {
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(freeze(o));
            }
            return Collections.unmodifiableList(out);
        }
        return value;
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

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
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

    /** A cached verified token with the instant (epoch ms) it stops being valid: exp plus the clock skew. */
    private static final class CachedToken {
        final TokenResult.Valid result;
        final long validUntilMillis;

        CachedToken(TokenResult.Valid result, long validUntilMillis) {
            this.result = result;
            this.validUntilMillis = validUntilMillis;
        }
    }

    /** Expires a cached token when it stops being valid or after the max TTL, whichever is first. */
    private static final class UntilExpiry implements Expiry<TokenKey, CachedToken> {
        private final long maxTtlNanos;

        UntilExpiry(long maxTtlNanos) {
            this.maxTtlNanos = maxTtlNanos;
        }

        @Override
        public long expireAfterCreate(TokenKey key, CachedToken value, long currentTime) {
            long untilNanos = value.validUntilMillis >= Long.MAX_VALUE / 1_000_000L
                    ? Long.MAX_VALUE : value.validUntilMillis * 1_000_000L - currentTime;
            return Math.max(0, Math.min(untilNanos, maxTtlNanos));
        }

        @Override
        public long expireAfterUpdate(TokenKey key, CachedToken value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(TokenKey key, CachedToken value, long currentTime, long currentDuration) {
            return currentDuration;
        }
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
            if (names.isEmpty()) {
                throw new IllegalArgumentException("scopeClaims must not be empty");
            }
            for (String name : names) {
                claimName(name, "scopeClaims");
            }
            if (new LinkedHashSet<>(names).size() != names.size()) {
                throw new IllegalArgumentException("scopeClaims must not repeat a name");
            }
            this.scopeClaims = List.copyOf(names);
            return this;
        }

        /** The claim holding the tenant; default {@code bi_t}. */
        public Builder tenantClaim(String name) {
            checkUnset(tenantClaim, "tenantClaim");
            this.tenantClaim = claimName(name, "tenantClaim");
            return this;
        }

        /** The claim holding the realm; default {@code bi_r}. */
        public Builder realmClaim(String name) {
            checkUnset(realmClaim, "realmClaim");
            this.realmClaim = claimName(name, "realmClaim");
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
            return new TokenVerifier(this);
        }

        private static String claimName(String name, String setting) {
            Objects.requireNonNull(name, setting);
            if (name.isEmpty()) {
                throw new IllegalArgumentException(setting + " must not hold an empty claim name");
            }
            return name;
        }

        private static void checkUnset(Object current, String setting) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set");
            }
        }
    }
}
