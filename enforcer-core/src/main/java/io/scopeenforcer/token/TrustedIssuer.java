package io.scopeenforcer.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.UntrustedText;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;

/**
 * One issuer whose access tokens are trusted: its exact {@code iss} value, where its keys come from, the
 * audiences and algorithms accepted for it, and its clock skew. Immutable and thread-safe; hand it to
 * {@link TokenVerifier.Builder#trust(TrustedIssuer)}.
 *
 * <p>Each key source has its own entry point, whose builder offers only the settings that source has:
 * <ul>
 *   <li>{@link #jwksUri(String, URI)}: keys fetched from a JWKS URI and cached (cache TTL, refresh-ahead, a
 *       rate-limited refetch when a token names an unknown {@code kid}, outage tolerance, connect/read
 *       timeouts and a size limit);
 *   <li>{@link #discovery(String)}: the same, from the JWKS URI named by the issuer's metadata (OpenID Connect
 *       Discovery or RFC 8414), fetched when first needed;
 *   <li>{@link #jwksFile(String, Path)} and {@link #jwkSet(String, JWKSet)}: a fixed key set, read once;
 *   <li>{@link #sharedSecret(String, byte[])}: HMAC with a secret shared with this issuer alone;
 *   <li>{@link #issuerTemplate(String)}: many issuers of one host, one per tenant (and realm), each found by
 *       discovery or a JWKS URI template, whose {@code iss} binds the token to its tenant.
 * </ul>
 * A value that is wrong on its own fails in the call that sets it; {@link Builder#build()} checks only what
 * depends on several settings. Keys are never taken from a token's own headers.
 *
 * <p>The JWKS cache runs on the system clock ({@code System.currentTimeMillis()}, as Nimbus does), not on
 * the verifier's {@link java.time.Clock}.
 */
public final class TrustedIssuer {

    /** Accepted from public keys when {@link Builder#algorithms(Collection)} is not set. */
    static final List<String> DEFAULT_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA");
    private static final List<String> HMAC_ALGORITHMS = List.of("HS256", "HS384", "HS512");
    private static final Set<String> SUPPORTED = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
            "HS256", "HS384", "HS512");

    static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Default of {@link Builder#introspectionCacheTtl}, in seconds. */
    static final int DEFAULT_INTROSPECTION_CACHE_SECONDS = 60;
    /** A larger skew would keep expired tokens alive for long; RFC 7519 speaks of "a few minutes". */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);
    static final Duration DEFAULT_JWKS_REFRESH_AHEAD = Duration.ofSeconds(30);
    static final Duration DEFAULT_JWKS_RATE_LIMIT = Duration.ofSeconds(30);
    /** Outage tolerance defaults to this many cache TTLs, as in Nimbus. */
    static final int DEFAULT_OUTAGE_TTLS = 10;
    static final Duration DEFAULT_JWKS_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_JWKS_READ_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_JWKS_SIZE_LIMIT = 256 * 1024;
    /** HMAC keys shorter than the hash output are weak (RFC 7518 §3.2); HS256 needs 256 bits. */
    static final int MIN_SECRET_BYTES = 32;

    /**
     * Runs Nimbus's refresh-ahead fetches for every issuer. Daemon threads that time out when idle, because
     * Nimbus's default executor is a non-daemon thread that would keep the JVM alive and a verifier has no
     * close().
     */
    private static final ThreadPoolExecutor REFRESH_EXECUTOR = refreshExecutor();

    private final String issuer;
    private final Set<String> audiences;
    private final Set<JWSAlgorithm> algorithms;
    private final Set<String> algorithmNames;
    private final Duration clockSkew;
    private final long clockSkewMillis;
    private final boolean strictType;
    private final String keySource;
    /** This issuer's claim names, null where the verifier's apply. */
    private final List<String> scopeClaims;
    private final String tenantClaim;
    private final String realmClaim;
    /** Introspection of this issuer's opaque tokens; null when it has none. */
    private final TokenIntrospection introspection;
    private final long introspectionCacheTtlMillis;
    private final KeyFetches keys;
    private final DefaultJWTProcessor<SecurityContext> processor;
    /** The JCA provider of signature checks, null for the JDK's. */
    private final SignatureProviders.Choice signatureProvider;
    /** An issuer template's concrete issuers; null for any other issuer. */
    private final ConcreteIssuers concrete;
    /** The issuer (or template) as configured: a concrete issuer's is its template's. */
    private final String configured;
    /** A concrete issuer's {tenant} and {realm} from its {@code iss}; null otherwise. */
    private final String boundTenant;
    private final String boundRealm;

    private TrustedIssuer(Builder<?> b, Set<String> algorithmNames, IssuerKeySelector selector, String keySource) {
        this.issuer = b.issuer;
        this.audiences = Collections.unmodifiableSet(new LinkedHashSet<>(b.audiences));
        this.algorithmNames = Collections.unmodifiableSet(algorithmNames);
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        for (String name : algorithmNames) {
            algs.add(JWSAlgorithm.parse(name));
        }
        this.algorithms = Collections.unmodifiableSet(algs);
        this.clockSkew = b.clockSkew != null ? b.clockSkew : DEFAULT_CLOCK_SKEW;
        this.clockSkewMillis = clockSkew.toMillis();
        this.strictType = b.strictTokenType != null && b.strictTokenType;
        this.keySource = keySource;
        this.scopeClaims = b.scopeClaims;
        this.tenantClaim = b.tenantClaim;
        this.realmClaim = b.realmClaim;
        this.introspection = b.introspection;
        if (b.introspectionCacheTtl != null && b.introspection == null) {
            throw new IllegalStateException("issuer " + b.issuer + ": introspectionCacheTtl needs introspection");
        }
        this.introspectionCacheTtlMillis = (b.introspectionCacheTtl != null ? b.introspectionCacheTtl
                : Duration.ofSeconds(DEFAULT_INTROSPECTION_CACHE_SECONDS)).toMillis();
        this.keys = Objects.requireNonNull(b.fetches, "fetches");
        this.concrete = b.concrete;
        this.configured = b.configured != null ? b.configured : b.issuer;
        this.boundTenant = b.bound == null ? null : b.bound.get("tenant");
        this.boundRealm = b.bound == null ? null : b.bound.get("realm");

        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        // TokenVerifier checks typ (ASCII case-insensitively, with the strict option) before the signature and
        // all claims after it, against its own clock; the processor only selects keys and verifies the JWS.
        p.setJWSTypeVerifier((type, context) -> { });
        p.setJWTClaimsSetVerifier(null);
        p.setJWSKeySelector(selector);
        this.signatureProvider = SignatureProviders.resolve(
                b.signatureProvider != null ? b.signatureProvider : SignatureProviders.AUTO);
        p.setJWSVerifierFactory(new VerifierFactory(signatureProvider));
        this.processor = p;
    }

    /**
     * Starts an issuer whose keys are fetched from a JWKS URI (RFC 7517 §5) and cached; see the {@code jwks*}
     * settings of {@link JwksUriBuilder}. The URI must be {@code https}, or {@code http} on a loopback host
     * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}) unless {@link JwksUriBuilder#allowUnsafeHttpJwksUri()}
     * is set: that last rule is checked by {@code build()}, since the opt-in may follow this call.
     *
     * @param issuer the exact {@code iss} value of the issuer's tokens
     * @param uri the JWKS URI
     * @throws IllegalArgumentException when {@code issuer} is empty, or {@code uri} is not an absolute
     *     http(s) URL with a host
     */
    public static JwksUriBuilder jwksUri(String issuer, URI uri) {
        return new JwksUriBuilder(issuer, uri);
    }

    /**
     * Starts an issuer whose JWKS URI is discovered from its metadata: OpenID Connect Discovery
     * ({@code {issuer}/.well-known/openid-configuration}), else RFC 8414 ({@code /.well-known/oauth-authorization-server}
     * inserted before the issuer's path, §3.1). The metadata's {@code issuer} must equal {@code issuer} exactly (RFC
     * 8414 §3.3) and its {@code jwks_uri} must pass the rule of {@link #jwksUri(String, URI)}; the issuer URL itself
     * must be {@code https}, or {@code http} on a loopback host, unless {@link JwksUriBuilder#allowUnsafeHttpJwksUri()}
     * is set. The builder's {@code jwks*} settings apply to the metadata fetch as to the JWKS fetch.
     *
     * <p>Nothing is fetched by {@code build()}: the metadata and keys are fetched when the first token needs them
     * (or by {@link #prefetchKeys()}), so an application starts while its issuer is down. Until they arrive,
     * verification fails with {@link TokenFailure#KEYS_UNAVAILABLE}; failed metadata fetches back off, doubling
     * from 1 s to 60 s, within the JWKS rate limit. Once found, the {@code jwks_uri} is kept.
     *
     * @param issuer the exact {@code iss} value of the issuer's tokens, an absolute http(s) URL
     * @throws IllegalArgumentException when {@code issuer} is empty, or not an absolute http(s) URL with a host and
     *     without query or fragment (RFC 8414 §2)
     */
    public static JwksUriBuilder discovery(String issuer) {
        Builder.checkIssuer(issuer);
        DiscoveredJwksSource.metadataUris(issuer);
        return new JwksUriBuilder(issuer);
    }

    /**
     * Starts an issuer template: one trusted issuer per {@code iss} that matches {@code template}, such as
     * {@code https://auth.example.com/v1/tenants/{tenant}/realms/{realm}/applications/*}. The scheme, host and port
     * are literal; each path segment is literal, {@code {tenant}}, {@code {realm}} (the path variables the engine
     * binds tokens to; {@code {tenant}} is required) or {@code *}, and a variable or {@code *} matches one whole
     * segment of {@code [A-Za-z0-9._~-]} other than {@code .} and {@code ..}. The whole {@code iss} must match,
     * exactly: no prefix, extra segment, trailing slash, user info, port, query, fragment or percent-encoding.
     *
     * <p>Each concrete issuer's keys come by discovery of that {@code iss} (its metadata's {@code issuer} must equal
     * it, and its {@code jwks_uri} must have the template's scheme, host and port), or from
     * {@link JwksUriBuilder#jwksUriTemplate(String)} with the {@code iss}'s values filled in; redirects are not
     * followed. So a token can never send a fetch to a host the template does not name (RFC 8725 §3.10). The
     * concrete issuers are made when a token first names them and held in a bounded cache
     * ({@link JwksUriBuilder#maxConcreteIssuers(int)}); new ones are admitted at a bounded rate
     * ({@link JwksUriBuilder#maxNewConcreteIssuersPerMinute(int)}), past which a token gets
     * {@link TokenFailure#KEYS_UNAVAILABLE}. Every other setting (audiences, algorithms, claim names, JWKS
     * tuning) is the template's, for each concrete issuer.
     *
     * <p>A verified token of a concrete issuer carries the tenant (and realm) of its {@code iss}
     * ({@link VerifiedToken#issuerTenant()}); on a route bound to a tenant or realm the engine refuses it unless they
     * are the route's, whatever its tenant claim says.
     *
     * @param template the issuer template
     * @throws IllegalArgumentException when the template breaks those rules, naming the fault
     */
    public static JwksUriBuilder issuerTemplate(String template) {
        Builder.checkIssuer(template);
        IssuerTemplate parsed = IssuerTemplate.parse(template, "issuer template", true);
        if (!parsed.variables().contains("tenant")) {
            throw new IllegalArgumentException("issuer template must hold {tenant}: " + UntrustedText.quote(template));
        }
        return new JwksUriBuilder(parsed);
    }

    /**
     * Starts an issuer whose keys are read from a local JWKS file, now, once; only their public parts are
     * used.
     *
     * @param issuer the exact {@code iss} value of the issuer's tokens
     * @param file a JWK set document (RFC 7517 §5)
     * @throws IllegalArgumentException when {@code issuer} is empty, or the file cannot be read, is not a JWK
     *     set or holds no public key
     */
    public static KeySetBuilder jwksFile(String issuer, Path file) {
        Builder.checkIssuer(issuer);
        Objects.requireNonNull(file, "jwksFile");
        JWKSet keys;
        try {
            keys = JWKSet.load(file.toFile());
        } catch (IOException | ParseException | RuntimeException e) {
            throw new IllegalArgumentException("jwksFile " + file + " cannot be read as a JWK set: "
                    + e.getClass().getSimpleName(), e);
        }
        return new KeySetBuilder(issuer, keys, "jwksFile", "jwksFile " + file);
    }

    /**
     * Starts an issuer with these keys; only their public parts are used (symmetric keys are ignored: HMAC
     * has its own entry point, {@link #sharedSecret(String, byte[])}).
     *
     * @param issuer the exact {@code iss} value of the issuer's tokens
     * @param keys the issuer's keys
     * @throws IllegalArgumentException when {@code issuer} is empty or {@code keys} holds no public key
     */
    public static KeySetBuilder jwkSet(String issuer, JWKSet keys) {
        Builder.checkIssuer(issuer);
        Objects.requireNonNull(keys, "jwkSet");
        return new KeySetBuilder(issuer, keys, "jwkSet", "jwkSet");
    }

    /**
     * Starts an issuer whose tokens are HMAC-signed with this secret (copied), shared with this issuer alone:
     * HS256, plus HS384 from 48 bytes and HS512 from 64 bytes, as RFC 7518 §3.2 requires a key as long as the
     * hash. Never use a secret other parties know: anyone holding it can mint tokens.
     *
     * @param issuer the exact {@code iss} value of the issuer's tokens
     * @param secret the HMAC key, at least 32 bytes
     * @throws IllegalArgumentException when {@code issuer} is empty or the secret is shorter than 32 bytes
     */
    public static SharedSecretBuilder sharedSecret(String issuer, byte[] secret) {
        return new SharedSecretBuilder(issuer, secret);
    }

    /** The exact {@code iss} value; for an {@linkplain #issuerTemplate(String) issuer template}, the template. */
    public String issuer() {
        return issuer;
    }

    /** Whether this is an {@linkplain #issuerTemplate(String) issuer template}. */
    public boolean isTemplate() {
        return concrete != null;
    }

    /** The accepted audiences; a token's {@code aud} must contain at least one. Unmodifiable. */
    public Set<String> audiences() {
        return audiences;
    }

    /** The accepted JWS algorithm names. Unmodifiable. */
    public Set<String> algorithms() {
        return algorithmNames;
    }

    /** The clock skew allowed on {@code exp}, {@code nbf} and {@code iat}. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** The claims this issuer's scopes are read from, when set for it; else the verifier's apply. */
    public Optional<List<String>> scopeClaims() {
        return Optional.ofNullable(scopeClaims);
    }

    /** The claim holding this issuer's tenant, when set for it; else the verifier's applies. */
    public Optional<String> tenantClaim() {
        return Optional.ofNullable(tenantClaim);
    }

    /** The claim holding this issuer's realm, when set for it; else the verifier's applies. */
    public Optional<String> realmClaim() {
        return Optional.ofNullable(realmClaim);
    }

    /**
     * Where this issuer's keys stand: loaded or not, how many, the last fetch and the last failure. For readiness
     * checks and metrics; costs no fetch. For an issuer template, the sum over the concrete issuers held now (keys,
     * fetches, failures; the latest success and failure), and loaded: no key can be fetched before a token names a
     * concrete issuer.
     */
    public KeySetStatus keyStatus() {
        if (concrete == null) {
            return keys.status();
        }
        int keyCount = 0;
        long fetched = 0;
        long failed = 0;
        java.time.Instant lastSuccess = null;
        KeySetStatus lastFailed = null;
        for (TrustedIssuer one : concrete.held()) {
            KeySetStatus s = one.keyStatus();
            keyCount += s.keyCount();
            fetched += s.fetches();
            failed += s.failures();
            if (s.lastSuccess() != null && (lastSuccess == null || s.lastSuccess().isAfter(lastSuccess))) {
                lastSuccess = s.lastSuccess();
            }
            if (s.lastFailure() != null && (lastFailed == null || s.lastFailure().isAfter(lastFailed.lastFailure()))) {
                lastFailed = s;
            }
        }
        return new KeySetStatus(issuer, keySource, true, keyCount, lastSuccess,
                lastFailed == null ? null : lastFailed.lastFailure(), lastFailed == null ? null
                        : lastFailed.issuer() + ": " + lastFailed.lastError(), fetched, failed);
    }

    /**
     * For a JWKS URI from which no key set was fetched yet: fetches it now, through the cache (so the first request
     * finds the keys there) and the rate limit (so calling this often costs the issuer no more than a flood of
     * unknown {@code kid}s would). Does nothing for fixed keys or once a set was fetched. Never throws for a failed
     * fetch: the returned status names it.
     *
     * @return {@link #keyStatus()} afterwards
     */
    public KeySetStatus prefetchKeys() {
        keys.prefetch();
        return keyStatus();
    }

    /** Issuer, key source, audiences and algorithms; never the shared secret. */
    @Override
    public String toString() {
        return "TrustedIssuer[issuer=" + issuer + ", keys=" + keySource + ", audiences=" + audiences
                + ", algorithms=" + algorithmNames + ", clockSkew=" + clockSkew + ", signatures="
                + signatureProvider
                + (scopeClaims == null ? "" : ", scopeClaims=" + scopeClaims)
                + (tenantClaim == null ? "" : ", tenantClaim=" + tenantClaim)
                + (realmClaim == null ? "" : ", realmClaim=" + realmClaim)
                + (introspection == null ? "" : ", introspection=" + introspection.endpoint()) + "]";
    }

    /** The introspection endpoint of this issuer's opaque tokens (RFC 7662), when it has one. */
    public Optional<URI> introspectionEndpoint() {
        return introspection == null ? Optional.empty() : Optional.of(introspection.endpoint());
    }

    TokenIntrospection introspection() {
        return introspection;
    }

    /** How long an active introspection answer may be cached, at most ({@link Builder#introspectionCacheTtl}). */
    long introspectionCacheTtlMillis() {
        return introspectionCacheTtlMillis;
    }

    /** An issuer template's concrete issuers; null for any other issuer. */
    ConcreteIssuers concrete() {
        return concrete;
    }

    /** The issuer as configured: for a concrete issuer, its template. */
    String configured() {
        return configured;
    }

    /** A concrete issuer's {@code {tenant}}; null for any other. */
    String boundTenant() {
        return boundTenant;
    }

    /** A concrete issuer's {@code {realm}}; null when it has none. */
    String boundRealm() {
        return boundRealm;
    }

    boolean accepts(JWSAlgorithm alg) {
        return algorithms.contains(alg);
    }

    long clockSkewMillis() {
        return clockSkewMillis;
    }

    boolean strictType() {
        return strictType;
    }

    DefaultJWTProcessor<SecurityContext> processor() {
        return processor;
    }

    /** The signature checks on this issuer's provider: the processor's verifier factory. */
    VerifierFactory verifiers() {
        return (VerifierFactory) processor.getJWSVerifierFactory();
    }

    private static ThreadPoolExecutor refreshExecutor() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "scope-enforcer-jwks-refresh-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * The settings every key source shares: audiences, algorithms, clock skew and the strict {@code typ}
     * check. Each setting may be given once; a value that is wrong on its own fails in its setter, naming the
     * setting. Not thread-safe.
     *
     * @param <B> the key source's own builder, returned by every setting for chaining
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits JwksUriBuilder, KeySetBuilder, SharedSecretBuilder {
        final String issuer;
        Set<String> audiences;
        List<String> algorithms;
        Duration clockSkew;
        Boolean strictTokenType;
        String signatureProvider;
        List<String> scopeClaims;
        String tenantClaim;
        String realmClaim;
        TokenIntrospection introspection;
        Duration introspectionCacheTtl;
        /** Set by {@link #selector}: the key source's status. */
        KeyFetches fetches;
        /** Set by {@link #selector} of an issuer template. */
        ConcreteIssuers concrete;
        /** A concrete issuer's template, as configured; null for any other issuer. */
        String configured;
        /** A concrete issuer's variable values from its {@code iss}; null for any other issuer. */
        Map<String, String> bound;

        Builder(String issuer) {
            this.issuer = checkIssuer(issuer);
        }

        /** The issuer is checked before the key source, so that a bad issuer is reported as such. */
        static String checkIssuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            if (issuer.isEmpty()) {
                throw new IllegalArgumentException("issuer must not be empty");
            }
            return issuer;
        }

        /** This builder as its own type. */
        abstract B self();

        /** Rejects an algorithm (known and not {@code none}) that this key source cannot verify. */
        abstract void checkAlgorithm(String name);

        /** The algorithms accepted when {@link #algorithms(Collection)} is not set. */
        abstract List<String> defaultAlgorithms();

        /** The key selector over this source's keys, for these accepted algorithms; may check timings. */
        abstract IssuerKeySelector selector(Set<JWSAlgorithm> accepted);

        /** The key source as {@link TrustedIssuer#toString()} shows it: never a secret. */
        abstract String keySource();

        /**
         * The audiences accepted for this issuer; a token's {@code aud} must contain one. Required.
         *
         * @param audiences the accepted audiences, in any order
         * @return this builder
         * @throws IllegalArgumentException when empty or holding an empty value
         * @throws IllegalStateException when already set
         */
        public B audiences(Collection<String> audiences) {
            Objects.requireNonNull(audiences, "audiences");
            Settings.once(this.audiences, "audiences");
            if (audiences.isEmpty()) {
                throw new IllegalArgumentException("audiences must not be empty");
            }
            Set<String> copy = new LinkedHashSet<>();
            for (String a : audiences) {
                if (Objects.requireNonNull(a, "audience").isEmpty()) {
                    throw new IllegalArgumentException("audiences must not hold an empty value");
                }
                copy.add(a);
            }
            this.audiences = copy;
            return self();
        }

        /**
         * Same as {@link #audiences(Collection)}.
         *
         * @param audiences the accepted audiences
         * @return this builder
         */
        public B audience(String... audiences) {
            Objects.requireNonNull(audiences, "audiences");
            return audiences(Arrays.asList(audiences));
        }

        /**
         * The accepted JWS algorithms by name. With public keys ({@code jwksUri}, {@code jwksFile},
         * {@code jwkSet}): {@code RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA Ed25519}, default
         * {@code RS256 RS384 RS512 PS256 ES256 ES384 EdDSA}; EdDSA and Ed25519 (RFC 9864) both mean Ed25519
         * keys and are accepted only as listed. With a shared secret: {@code HS256 HS384 HS512} as long as the
         * secret is long enough for each, default all of those it is long enough for.
         *
         * @param names the algorithm names, case-sensitive as RFC 7518 spells them
         * @return this builder
         * @throws IllegalArgumentException for {@code none} (in any case), an unknown name, a name this key
         *     source cannot verify, or an empty list
         * @throws IllegalStateException when already set
         */
        public B algorithms(Collection<String> names) {
            Objects.requireNonNull(names, "algorithms");
            Settings.once(algorithms, "algorithms");
            if (names.isEmpty()) {
                throw new IllegalArgumentException("algorithms must not be empty");
            }
            List<String> copy = new ArrayList<>();
            for (String name : names) {
                Objects.requireNonNull(name, "algorithm");
                if (name.equalsIgnoreCase("none")) {
                    // RFC 8725 §3.2: unsecured JWTs are never acceptable for access tokens.
                    throw new IllegalArgumentException("algorithms: \"none\" is never accepted");
                }
                if (!SUPPORTED.contains(name)) {
                    throw new IllegalArgumentException("algorithms: unknown or unsupported JWS algorithm "
                            + UntrustedText.quote(name) + "; supported: " + new TreeSet<>(SUPPORTED));
                }
                checkAlgorithm(name);
                copy.add(name);
            }
            this.algorithms = copy;
            return self();
        }

        /**
         * The skew allowed on {@code exp}, {@code nbf} and {@code iat}; default 60 s, at most 5 min.
         *
         * @param skew the allowed skew
         * @return this builder
         * @throws IllegalArgumentException when negative or above 5 minutes
         * @throws IllegalStateException when already set
         */
        public B clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "clockSkew");
            Settings.once(clockSkew, "clockSkew");
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and " + MAX_CLOCK_SKEW
                        + ", got " + skew);
            }
            this.clockSkew = skew;
            return self();
        }

        /**
         * When true, the {@code typ} header must be {@code at+jwt} (or {@code application/at+jwt}), as RFC 9068
         * §2.1 requires; when false (the default) {@code JWT} and an absent {@code typ} are accepted too. The
         * filter parameter is {@code strict-token-type}.
         *
         * @param strict whether only {@code at+jwt} is accepted
         * @return this builder
         * @throws IllegalStateException when already set
         */
        public B strictTokenType(boolean strict) {
            Settings.once(strictTokenType, "strictTokenType");
            this.strictTokenType = strict;
            return self();
        }

        /**
         * Which JCA provider checks this issuer's signatures: {@code auto} (the default: Amazon Corretto Crypto
         * Provider when it is on the class path and healthy; else BouncyCastle for ECDSA and EdDSA when it is on the
         * class path, and the JDK for RSA; else the JDK's), {@code jdk}, {@code accp}, {@code bc}, or the name of an
         * installed provider. The provider is used for signature verification only and is never installed globally.
         * The filter parameter is {@code signature-provider}.
         *
         * @param choice the provider choice
         * @return this builder
         * @throws IllegalArgumentException when the choice names a provider that cannot be had
         * @throws IllegalStateException when already set
         */
        public B signatureProvider(String choice) {
            Objects.requireNonNull(choice, "signatureProvider");
            Settings.once(signatureProvider, "signatureProvider");
            SignatureProviders.resolve(choice); // fails here, naming the setting's value, not at build()
            this.signatureProvider = choice;
            return self();
        }

        /**
         * The claims this issuer's scopes are read from, overriding {@link TokenVerifier.Builder#scopeClaims(List)}
         * for its tokens: issuers name them differently ({@code scope}, {@code scp}).
         *
         * @param names the claim names, each a space-delimited string or an array of strings in a token
         * @return this builder
         * @throws IllegalArgumentException when empty or holding an empty or repeated name
         * @throws IllegalStateException when already set
         */
        public B scopeClaims(List<String> names) {
            Objects.requireNonNull(names, "scopeClaims");
            Settings.once(scopeClaims, "scopeClaims");
            this.scopeClaims = TokenClaims.checkScopeClaims(names, "scopeClaims");
            return self();
        }

        /**
         * The claim holding this issuer's tenant (IDCS: {@code tenant}; Beyond Identity: {@code bi_t}), overriding
         * {@link TokenVerifier.Builder#tenantClaim(String)} for its tokens.
         *
         * @param name the claim name
         * @return this builder
         * @throws IllegalArgumentException when empty
         * @throws IllegalStateException when already set
         */
        public B tenantClaim(String name) {
            Settings.once(tenantClaim, "tenantClaim");
            this.tenantClaim = TokenClaims.checkClaimName(name, "tenantClaim");
            return self();
        }

        /**
         * The claim holding this issuer's realm, overriding {@link TokenVerifier.Builder#realmClaim(String)} for its
         * tokens.
         *
         * @param name the claim name
         * @return this builder
         * @throws IllegalArgumentException when empty
         * @throws IllegalStateException when already set
         */
        public B realmClaim(String name) {
            Settings.once(realmClaim, "realmClaim");
            this.realmClaim = TokenClaims.checkClaimName(name, "realmClaim");
            return self();
        }

        /**
         * Accepts this issuer's opaque (non-JWT) access tokens by asking its RFC 7662 introspection endpoint, with
         * HTTP Basic client authentication. A token that is not a JWS goes to this endpoint (a verifier trusts at
         * most one introspecting issuer, since an opaque token names none and must not be disclosed to another
         * issuer); an active answer is checked like a JWT's claims
         * ({@code exp} required, {@code aud} one of {@link #audiences}, {@code iss} this issuer when present, scopes
         * from {@code scope}). An endpoint that cannot be reached makes the token's verification fail as keys
         * unavailable (503). Each call is bounded by 1 s connect and 2 s read timeouts, a 3 s deadline on the whole
         * call, and a 64 KiB answer.
         *
         * @param endpoint the introspection endpoint, {@code https} ({@code http} only on a loopback host)
         * @param clientId this resource server's client id at the issuer
         * @param clientSecret its client secret; never logged
         * @return this builder
         * @throws IllegalArgumentException when the endpoint is not such a URL or the id or secret is empty
         * @throws IllegalStateException when already set
         */
        public B introspection(URI endpoint, String clientId, String clientSecret) {
            Objects.requireNonNull(endpoint, "introspection endpoint");
            Settings.once(introspection, "introspection");
            this.introspection = new TokenIntrospection(endpoint, clientId, clientSecret);
            return self();
        }

        /**
         * The longest an introspection answer is trusted without asking again: an active opaque token is cached until
         * its {@code exp} or for this long, whichever is first (and never longer than the verifier's cache maximum
         * TTL); default {@value #DEFAULT_INTROSPECTION_CACHE_SECONDS} s. Shorter makes a revocation at the issuer
         * take effect sooner (RFC 7662 §4), at the cost of one more call to the endpoint per token and lifetime. An
         * inactive answer is remembered for the verifier's negative-cache TTL (5 s by default).
         *
         * @throws IllegalArgumentException when not positive or over a day
         * @throws IllegalStateException when already set
         */
        public B introspectionCacheTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "introspectionCacheTtl");
            Settings.once(introspectionCacheTtl, "introspectionCacheTtl");
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("introspectionCacheTtl must be positive and at most one day, got "
                        + ttl);
            }
            this.introspectionCacheTtl = ttl;
            return self();
        }


        /**
         * Builds the issuer.
         *
         * @return the issuer
         * @throws IllegalStateException when no audience is set, or (JWKS URI) the URI is plain http off
         *     loopback without the opt-in, or the JWKS timings conflict
         */
        public TrustedIssuer build() {
            if (audiences == null) {
                throw new IllegalStateException("issuer " + issuer + ": audiences is required");
            }
            Set<String> names = new LinkedHashSet<>(algorithms != null ? algorithms : defaultAlgorithms());
            Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
            for (String name : names) {
                accepted.add(JWSAlgorithm.parse(name));
            }
            return new TrustedIssuer(this, names, selector(Set.copyOf(accepted)), keySource());
        }

        /** RFC 8725 §2.1: HMAC keyed with a public key is the classic algorithm-confusion forgery. */
        static void rejectHmac(String name) {
            if (HMAC_ALGORITHMS.contains(name)) {
                throw new IllegalArgumentException("algorithms: " + name + " is HMAC, which needs a secret"
                        + " shared with the issuer alone (TrustedIssuer.sharedSecret), never public keys");
            }
        }
    }

    /**
     * An issuer whose keys are fixed: a {@linkplain TrustedIssuer#jwksFile(String, Path) JWKS file} or an
     * {@linkplain TrustedIssuer#jwkSet(String, JWKSet) in-memory JWK set}. Not thread-safe.
     */
    public static final class KeySetBuilder extends Builder<KeySetBuilder> {
        private final JWKSet publicKeys;
        private final String keySource;

        private KeySetBuilder(String issuer, JWKSet keys, String setting, String keySource) {
            super(issuer);
            this.publicKeys = keys.toPublicJWKSet();
            if (publicKeys.isEmpty()) {
                throw new IllegalArgumentException("issuer " + issuer + ": " + setting + " holds no public key");
            }
            this.keySource = keySource;
        }

        @Override
        KeySetBuilder self() {
            return this;
        }

        @Override
        void checkAlgorithm(String name) {
            rejectHmac(name);
        }

        @Override
        List<String> defaultAlgorithms() {
            return DEFAULT_ALGORITHMS;
        }

        @Override
        IssuerKeySelector selector(Set<JWSAlgorithm> accepted) {
            fetches = KeyFetches.fixed(issuer, keySource, publicKeys.size());
            return new IssuerKeySelector(accepted, new ImmutableJWKSet<>(publicKeys), null, Set.of(), null);
        }

        @Override
        String keySource() {
            return keySource;
        }
    }

    /** An issuer whose tokens are HMAC-signed with a shared secret. Not thread-safe. */
    public static final class SharedSecretBuilder extends Builder<SharedSecretBuilder> {
        private final byte[] secret;

        private SharedSecretBuilder(String issuer, byte[] secret) {
            super(issuer);
            Objects.requireNonNull(secret, "sharedSecret");
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("sharedSecret must be at least " + MIN_SECRET_BYTES
                        + " bytes, got " + secret.length);
            }
            this.secret = secret.clone();
        }

        @Override
        SharedSecretBuilder self() {
            return this;
        }

        @Override
        void checkAlgorithm(String name) {
            if (!HMAC_ALGORITHMS.contains(name)) {
                throw new IllegalArgumentException("algorithms: " + name + " needs public keys"
                        + " (TrustedIssuer.jwksUri, jwksFile or jwkSet); a shared secret verifies HMAC only");
            }
            if (secret.length < hmacKeyBytes(name)) {
                throw new IllegalArgumentException("algorithms: " + name + " needs a sharedSecret of at least "
                        + hmacKeyBytes(name) + " bytes, got " + secret.length);
            }
        }

        @Override
        List<String> defaultAlgorithms() {
            List<String> names = new ArrayList<>();
            for (String hmac : HMAC_ALGORITHMS) {
                if (secret.length >= hmacKeyBytes(hmac)) {
                    names.add(hmac);
                }
            }
            return names;
        }

        @Override
        IssuerKeySelector selector(Set<JWSAlgorithm> accepted) {
            fetches = KeyFetches.fixed(issuer, "sharedSecret", 1);
            // The secret's JCA algorithm name only labels the key; MACVerifier picks the HMAC from the header.
            return new IssuerKeySelector(Set.of(), null, null, accepted, new SecretKeySpec(secret, "HmacSHA256"));
        }

        @Override
        String keySource() {
            return "sharedSecret";
        }

        /** RFC 7518 §3.2: the key must be at least as long as the hash output. */
        private static int hmacKeyBytes(String alg) {
            return Integer.parseInt(alg.substring(2)) / 8;
        }
    }

    /**
     * An issuer whose keys are fetched from a JWKS URI and cached, with the fetch and cache settings. Each
     * setting may be given once; the timings are checked against each other by {@link #build()}. Not
     * thread-safe.
     */
    public static final class JwksUriBuilder extends Builder<JwksUriBuilder> {
        /** Concrete issuers an issuer template holds unless {@link #maxConcreteIssuers(int)} says otherwise. */
        static final int DEFAULT_MAX_CONCRETE_ISSUERS = 1000;
        /** New concrete issuers admitted a minute unless {@link #maxNewConcreteIssuersPerMinute(int)} says otherwise. */
        static final int DEFAULT_NEW_CONCRETE_ISSUERS_PER_MINUTE = 60;

        private final URI uri;
        private final URL url;
        /** An issuer template's own; null for any other issuer. */
        private final IssuerTemplate issuerTemplate;
        private IssuerTemplate jwksTemplate;
        private Integer maxConcrete;
        private Integer newPerMinute;
        /** A concrete issuer's template by discovery: its jwks_uri must be on the template's origin; else null. */
        private IssuerTemplate sameOrigin;
        private Duration cacheTtl;
        private Duration refreshAhead;
        private Duration rateLimit;
        private Duration outageTolerance;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Integer sizeLimit;
        private boolean allowUnsafeHttp;

        /** The JWKS URI discovered from the issuer's metadata ({@link TrustedIssuer#discovery(String)}). */
        private JwksUriBuilder(String issuer) {
            super(issuer);
            this.uri = null;
            this.url = null;
            this.issuerTemplate = null;
        }

        /** An issuer template ({@link TrustedIssuer#issuerTemplate(String)}). */
        private JwksUriBuilder(IssuerTemplate template) {
            super(template.text());
            this.uri = null;
            this.url = null;
            this.issuerTemplate = template;
        }

        private JwksUriBuilder(String issuer, URI uri) {
            super(issuer);
            Objects.requireNonNull(uri, "jwksUri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("jwksUri must be an absolute http(s) URI: " + shown(uri));
            }
            try {
                this.url = uri.toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("jwksUri is not a valid URL: " + shown(uri), e);
            }
            this.uri = uri;
            this.issuerTemplate = null;
        }

        @Override
        JwksUriBuilder self() {
            return this;
        }

        @Override
        void checkAlgorithm(String name) {
            rejectHmac(name);
        }

        @Override
        List<String> defaultAlgorithms() {
            return DEFAULT_ALGORITHMS;
        }

        @Override
        String keySource() {
            if (issuerTemplate != null) {
                return jwksTemplate == null ? "discovery per issuer" : "jwksUriTemplate " + jwksTemplate;
            }
            return uri == null ? "discovery " + issuer : "jwksUri " + uri;
        }

        /**
         * For an issuer template: each concrete issuer's JWKS URI, this template with the values of its {@code iss}
         * filled in, instead of discovery. Its scheme, host and port are literal; it must hold {@code {tenant}} (keys
         * shared by every tenant would let one tenant's issuer sign for another) and no variable the issuer template
         * lacks, and no {@code *}, query or fragment.
         *
         * @param template the JWKS URI template, e.g. {@code https://auth.example.com/v1/tenants/{tenant}/jwks.json}
         * @return this builder
         * @throws IllegalArgumentException when it breaks those rules
         * @throws IllegalStateException when already set, or this is not an issuer template
         */
        public JwksUriBuilder jwksUriTemplate(String template) {
            Objects.requireNonNull(template, "jwksUriTemplate");
            Settings.once(jwksTemplate, "jwksUriTemplate");
            needsTemplate("jwksUriTemplate");
            IssuerTemplate parsed = IssuerTemplate.parse(template, "jwksUriTemplate", false);
            if (!parsed.variables().contains("tenant")) {
                throw new IllegalArgumentException("jwksUriTemplate must hold {tenant}: keys shared by every tenant"
                        + " would let one tenant's issuer sign for another");
            }
            for (String name : parsed.variables()) {
                if (!issuerTemplate.variables().contains(name)) {
                    throw new IllegalArgumentException("jwksUriTemplate: {" + name + "} is not in the issuer template");
                }
            }
            this.jwksTemplate = parsed;
            return this;
        }

        /**
         * For an issuer template: the most concrete issuers held at once (each with its keys and discovery state);
         * past it the least valuable are evicted (Caffeine) and made again when a token names them. Default 1000.
         *
         * @param max the bound, positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         * @throws IllegalStateException when already set, or this is not an issuer template
         */
        public JwksUriBuilder maxConcreteIssuers(int max) {
            Settings.once(maxConcrete, "maxConcreteIssuers");
            needsTemplate("maxConcreteIssuers");
            if (max <= 0) {
                throw new IllegalArgumentException("maxConcreteIssuers must be positive, got " + max);
            }
            this.maxConcrete = max;
            return this;
        }

        /**
         * For an issuer template: how many new concrete issuers are admitted a minute (a burst of as many, then
         * evenly); default 60. Each costs its first metadata and JWKS fetch, so this bounds what a flood of tokens
         * naming made-up tenants costs the issuer's host; a token past it gets {@link TokenFailure#KEYS_UNAVAILABLE}.
         *
         * @param perMinute the rate, positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         * @throws IllegalStateException when already set, or this is not an issuer template
         */
        public JwksUriBuilder maxNewConcreteIssuersPerMinute(int perMinute) {
            Settings.once(newPerMinute, "maxNewConcreteIssuersPerMinute");
            needsTemplate("maxNewConcreteIssuersPerMinute");
            if (perMinute <= 0) {
                throw new IllegalArgumentException("maxNewConcreteIssuersPerMinute must be positive, got " + perMinute);
            }
            this.newPerMinute = perMinute;
            return this;
        }

        private void needsTemplate(String setting) {
            if (issuerTemplate == null) {
                throw new IllegalStateException(setting + " needs an issuer template (TrustedIssuer.issuerTemplate)");
            }
        }

        /**
         * How long a fetched JWK set is used before it is fetched again; default 5 min.
         *
         * @param ttl the cache time-to-live, positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksCacheTtl(Duration ttl) {
            Settings.once(cacheTtl, "jwksCacheTtl");
            this.cacheTtl = positive(ttl, "jwksCacheTtl");
            return this;
        }

        /**
         * How long before the cache TTL ends a background refetch starts, so that requests never wait for it;
         * default 30 s, zero disables.
         *
         * @param refreshAhead the refresh-ahead time, zero or positive
         * @return this builder
         * @throws IllegalArgumentException when negative
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksRefreshAhead(Duration refreshAhead) {
            Settings.once(this.refreshAhead, "jwksRefreshAhead");
            this.refreshAhead = notNegative(refreshAhead, "jwksRefreshAhead");
            return this;
        }

        /**
         * The least time between two refetches triggered by tokens with unknown {@code kid}s (Nimbus allows
         * two fetches per interval); default 30 s or half the cache TTL, whichever is shorter; must be shorter
         * than the cache TTL. Bounds the load a flood of forged tokens can put on the issuer.
         *
         * @param minIntervalBetweenFetches the interval, positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksRateLimit(Duration minIntervalBetweenFetches) {
            Settings.once(rateLimit, "jwksRateLimit");
            this.rateLimit = positive(minIntervalBetweenFetches, "jwksRateLimit");
            return this;
        }

        /**
         * How long the last fetched JWK set keeps being used while the JWKS URI fails; default ten cache TTLs,
         * zero disables.
         *
         * @param tolerance the outage tolerance, zero or positive
         * @return this builder
         * @throws IllegalArgumentException when negative
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksOutageTolerance(Duration tolerance) {
            Settings.once(outageTolerance, "jwksOutageTolerance");
            this.outageTolerance = notNegative(tolerance, "jwksOutageTolerance");
            return this;
        }

        /**
         * Connect timeout of a JWKS fetch; default 1 s.
         *
         * @param timeout the timeout, 1 ms to {@code Integer.MAX_VALUE} ms
         * @return this builder
         * @throws IllegalArgumentException when out of that range
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksConnectTimeout(Duration timeout) {
            Settings.once(connectTimeout, "jwksConnectTimeout");
            this.connectTimeout = millis(positive(timeout, "jwksConnectTimeout"), "jwksConnectTimeout");
            return this;
        }

        /**
         * Read timeout of a JWKS fetch (per read); default 2 s. A whole fetch, however it drips, ends after the
         * connect timeout plus this.
         *
         * @param timeout the timeout, 1 ms to {@code Integer.MAX_VALUE} ms
         * @return this builder
         * @throws IllegalArgumentException when out of that range
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksReadTimeout(Duration timeout) {
            Settings.once(readTimeout, "jwksReadTimeout");
            this.readTimeout = millis(positive(timeout, "jwksReadTimeout"), "jwksReadTimeout");
            return this;
        }

        /**
         * The largest JWKS response accepted, in bytes; default 256 KiB.
         *
         * @param bytes the limit, positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder jwksSizeLimit(int bytes) {
            Settings.once(sizeLimit, "jwksSizeLimit");
            if (bytes <= 0) {
                throw new IllegalArgumentException("jwksSizeLimit must be positive, got " + bytes);
            }
            this.sizeLimit = bytes;
            return this;
        }

        /**
         * Accepts a plain {@code http} JWKS URI on any host. Unsafe: whoever can alter the connection can
         * substitute keys and mint tokens. It exists for test rigs and closed networks with an internal IdP.
         *
         * @return this builder
         * @throws IllegalStateException when already set
         */
        public JwksUriBuilder allowUnsafeHttpJwksUri() {
            Settings.once(allowUnsafeHttp, "allowUnsafeHttpJwksUri");
            this.allowUnsafeHttp = true;
            return this;
        }

        @Override
        IssuerKeySelector selector(Set<JWSAlgorithm> accepted) {
            if (issuerTemplate != null) {
                return templateSelector(accepted);
            }
            if (uri == null) {
                // The metadata is fetched from the issuer URL: the same rule as for a JWKS URI.
                URI issuerUri = URI.create(issuer);
                if (!allowUnsafeHttp && issuerUri.getScheme().equalsIgnoreCase("http") && !isLoopback(issuerUri)) {
                    throw new IllegalStateException("issuer " + issuer + ": discovery needs an https issuer (http"
                            + " only on a loopback host, or set allowUnsafeHttpJwksUri)");
                }
            } else if (!allowUnsafeHttp && uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri)) {
                throw new IllegalStateException("issuer " + issuer + ": jwksUri must use https (http only on a"
                        + " loopback host, or set allowUnsafeHttpJwksUri): " + shown(uri));
            }
            CachingJWKSetSource<SecurityContext> cache = remoteSource();
            return new IssuerKeySelector(accepted, new JWKSetBasedJWKSource<>(cache), cache, Set.of(), null);
        }

        /**
         * An issuer template's own selector knows no key (the template is never a token's issuer); its concrete
         * issuers are built on demand from a copy of these settings. Everything a concrete issuer's build could
         * refuse is checked here, at start-up.
         */
        private IssuerKeySelector templateSelector(Set<JWSAlgorithm> accepted) {
            if (introspection != null) {
                throw new IllegalStateException("issuer " + issuer + ": introspection needs a fixed issuer (an opaque"
                        + " token names none)");
            }
            URI origin = URI.create(issuerTemplate.origin() + "/");
            URI keysOrigin = jwksTemplate == null ? origin : URI.create(jwksTemplate.origin() + "/");
            if (!allowUnsafeHttp && (origin.getScheme().equalsIgnoreCase("http") && !isLoopback(origin)
                    || keysOrigin.getScheme().equalsIgnoreCase("http") && !isLoopback(keysOrigin))) {
                throw new IllegalStateException("issuer " + issuer + ": an issuer template and its jwksUriTemplate"
                        + " need https (http only on a loopback host, or set allowUnsafeHttpJwksUri)");
            }
            timings(); // a concrete issuer's build must not fail at request time
            concrete = new ConcreteIssuers(issuerTemplate,
                    maxConcrete != null ? maxConcrete : DEFAULT_MAX_CONCRETE_ISSUERS,
                    newPerMinute != null ? newPerMinute : DEFAULT_NEW_CONCRETE_ISSUERS_PER_MINUTE,
                    (iss, values) -> concreteIssuer(iss, values));
            fetches = KeyFetches.fixed(issuer, keySource(), 0);
            return new IssuerKeySelector(accepted, null, null, Set.of(), null);
        }

        /** One concrete issuer of this template: these settings, for {@code iss} and its variables' values. */
        private TrustedIssuer concreteIssuer(String iss, Map<String, String> values) {
            JwksUriBuilder one;
            if (jwksTemplate == null) {
                one = new JwksUriBuilder(iss);
                one.sameOrigin = issuerTemplate;
            } else {
                one = new JwksUriBuilder(iss, jwksTemplate.fill(values));
            }
            one.audiences = audiences;
            one.algorithms = algorithms;
            one.clockSkew = clockSkew;
            one.strictTokenType = strictTokenType;
            one.signatureProvider = signatureProvider;
            one.scopeClaims = scopeClaims;
            one.tenantClaim = tenantClaim;
            one.realmClaim = realmClaim;
            one.cacheTtl = cacheTtl;
            one.refreshAhead = refreshAhead;
            one.rateLimit = rateLimit;
            one.outageTolerance = outageTolerance;
            one.connectTimeout = connectTimeout;
            one.readTimeout = readTimeout;
            one.sizeLimit = sizeLimit;
            one.allowUnsafeHttp = allowUnsafeHttp;
            one.configured = issuer;
            one.bound = Map.copyOf(values);
            return one.build();
        }

        /**
         * The fetch-and-cache chain, assembled from the source classes' constructors as Nimbus's
         * {@code JWKSourceBuilder.build()} does (URL, outage tolerance, rate limit, cache): those constructors
         * are the same from Nimbus 9.37 to 10.x, whereas {@code JWKSourceBuilder.refreshAheadCache} with an
         * executor only exists from 10.5 on, and this project must run where an older Nimbus is resolved
         * (Spring Boot 3.5 brings 9.37.4). No retrying layer: the rate-limited refetch already is the retry.
         */
        private CachingJWKSetSource<SecurityContext> remoteSource() {
            Timings t = timings();
            Duration ttl = t.ttl();
            Duration ahead = t.ahead();
            Duration outage = orDefault(outageTolerance, ttl.multipliedBy(DEFAULT_OUTAGE_TTLS));
            Duration connect = orDefault(connectTimeout, DEFAULT_JWKS_CONNECT_TIMEOUT);
            Duration read = orDefault(readTimeout, DEFAULT_JWKS_READ_TIMEOUT);
            int limit = sizeLimit != null ? sizeLimit : DEFAULT_JWKS_SIZE_LIMIT;
            Duration refreshTimeout = t.refreshTimeout();
            // The read timeout is per read; the deadline bounds a fetch that drips (DeadlineResourceRetriever). A
            // template's concrete issuer follows no redirect: its path came from a token (RFC 8725 §3.10).
            DefaultResourceRetriever retriever = new DeadlineResourceRetriever((int) connect.toMillis(),
                    (int) read.toMillis(), limit, refreshTimeout.toMillis(), configured == null);
            // The status layer sits on the URL source itself, so it sees every real fetch and no cache hit.
            JWKSetSource<SecurityContext> bottom = uri == null
                    ? new DiscoveredJwksSource(issuer, retriever, allowUnsafeHttp, sameOrigin)
                    : new URLBasedJWKSetSource<>(url, retriever);
            KeyFetches status = KeyFetches.remote(issuer, keySource(), bottom, ttl.plus(outage).toMillis());
            JWKSetSource<SecurityContext> source = status;
            if (!outage.isZero()) {
                source = new OutageTolerantJWKSetSource<>(source, outage.toMillis(), null);
            }
            source = new RateLimitedJWKSetSource<>(source, t.interval().toMillis(), null);
            CachingJWKSetSource<SecurityContext> cache;
            if (ahead.isZero()) {
                cache = new CachingJWKSetSource<>(source, ttl.toMillis(), refreshTimeout.toMillis(), null);
            } else {
                // Not scheduled: the refetch starts when a request sees the set inside the refresh-ahead window,
                // on REFRESH_EXECUTOR, which is shared and never shut down by one source.
                cache = new RefreshAheadCachingJWKSetSource<>(source, ttl.toMillis(), refreshTimeout.toMillis(),
                        ahead.toMillis(), false, REFRESH_EXECUTOR, false, null);
            }
            status.attach(cache);
            fetches = status;
            return cache;
        }

        /** The JWKS cache timings, defaults filled in; {@code refreshTimeout} is one fetch's worst case. */
        private record Timings(Duration ttl, Duration ahead, Duration interval, Duration refreshTimeout) {
        }

        /** The JWKS cache timings, checked against each other. */
        private Timings timings() {
            Duration ttl = orDefault(cacheTtl, DEFAULT_JWKS_CACHE_TTL);
            Duration ahead = orDefault(refreshAhead, DEFAULT_JWKS_REFRESH_AHEAD);
            Duration interval = rateLimit != null ? rateLimit : min(DEFAULT_JWKS_RATE_LIMIT, ttl.dividedBy(2));
            // Threads waiting for another thread's fetch give up after one fetch's worst case.
            Duration refreshTimeout = orDefault(connectTimeout, DEFAULT_JWKS_CONNECT_TIMEOUT)
                    .plus(orDefault(readTimeout, DEFAULT_JWKS_READ_TIMEOUT));
            if (interval.compareTo(ttl) >= 0) {
                throw new IllegalStateException("issuer " + issuer + ": jwksRateLimit (" + interval
                        + ") must be shorter than jwksCacheTtl (" + ttl + ")");
            }
            if (!ahead.isZero() && ahead.plus(refreshTimeout).compareTo(ttl) > 0) {
                throw new IllegalStateException("issuer " + issuer + ": jwksRefreshAhead (" + ahead
                        + ") plus jwksConnectTimeout and jwksReadTimeout (" + refreshTimeout
                        + ") must not exceed jwksCacheTtl (" + ttl + ")");
            }
            return new Timings(ttl, ahead, interval, refreshTimeout);
        }

        private static boolean isLoopback(URI uri) {
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }

        private static Duration orDefault(Duration value, Duration fallback) {
            return value != null ? value : fallback;
        }

        private static Duration positive(Duration d, String setting) {
            Objects.requireNonNull(d, setting);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(setting + " must be positive, got " + d);
            }
            return d;
        }

        private static Duration notNegative(Duration d, String setting) {
            Objects.requireNonNull(d, setting);
            if (d.isNegative()) {
                throw new IllegalArgumentException(setting + " must not be negative, got " + d);
            }
            return d;
        }

        private static Duration millis(Duration d, String setting) {
            if (d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(setting + " must be between 1 ms and " + Integer.MAX_VALUE
                        + " ms, got " + d);
            }
            return d;
        }
    }

    /**
     * A configured URI for a configuration error: the operator's own words, so whole (not cut as untrusted input
     * is), but without what may be a secret — user info and query — and with control characters replaced.
     */
    static String shown(URI uri) {
        String text;
        if (uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
            text = uri.toString();
        } else {
            text = (uri.getScheme() == null ? "" : uri.getScheme() + "://") + (uri.getHost() == null ? "" : uri.getHost())
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?...");
        }
        return "'" + UntrustedText.sanitize(text) + "'";
    }
}
