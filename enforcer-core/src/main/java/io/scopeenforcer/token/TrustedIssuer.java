package io.scopeenforcer.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.scopeenforcer.internal.UntrustedText;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;

/**
 * One issuer whose access tokens are trusted: its exact {@code iss} value, where its keys come from, the
 * audiences and algorithms accepted for it, and its clock skew. Immutable and thread-safe; build one with
 * {@link #newBuilder(String)} and hand it to {@link TokenVerifier.Builder#trust(TrustedIssuer)}.
 *
 * <p>Keys come from exactly one of a JWKS URI (fetched and cached by Nimbus's {@code JWKSourceBuilder}: cache
 * TTL, refresh-ahead, a rate-limited refetch when a token names an unknown {@code kid}, outage tolerance,
 * connect/read timeouts and a size limit), a local JWKS file (read once, at {@link Builder#build()}), or an
 * in-memory {@link JWKSet}. A {@linkplain Builder#sharedSecret(byte[]) shared secret} adds HMAC for this
 * issuer alone and may also be its only key. Keys are never taken from a token's own headers.
 *
 * <p>The JWKS cache runs on the system clock ({@code System.currentTimeMillis()}, as Nimbus does), not on
 * the verifier's {@link java.time.Clock}.
 */
public final class TrustedIssuer {

    /** Accepted when {@link Builder#algorithms(Collection)} is not set (HMAC is added by a shared secret). */
    static final List<String> DEFAULT_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA");
    private static final List<String> HMAC_ALGORITHMS = List.of("HS256", "HS384", "HS512");
    private static final Set<String> SUPPORTED = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
            "HS256", "HS384", "HS512");

    static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
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
    private final DefaultJWTProcessor<SecurityContext> processor;

    private TrustedIssuer(Builder b, Set<String> algorithmNames, IssuerKeySelector selector, String keySource) {
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
        this.strictType = b.strictType != null && b.strictType;
        this.keySource = keySource;

        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        // TokenVerifier checks typ (ASCII case-insensitively, with the strict option) before the signature and
        // all claims after it, against its own clock; the processor only selects keys and verifies the JWS.
        p.setJWSTypeVerifier((type, context) -> { });
        p.setJWTClaimsSetVerifier(null);
        p.setJWSKeySelector(selector);
        p.setJWSVerifierFactory(new VerifierFactory());
        this.processor = p;
    }

    /**
     * Starts a builder for the issuer whose tokens carry exactly this {@code iss} value.
     *
     * @throws IllegalArgumentException when {@code issuer} is empty
     */
    public static Builder newBuilder(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException("issuer must not be empty");
        }
        return new Builder(issuer);
    }

    /** The exact {@code iss} value. */
    public String issuer() {
        return issuer;
    }

    /** The accepted audiences; a token's {@code aud} must contain at least one. Unmodifiable. */
    public Set<String> audiences() {
        return audiences;
    }

    /** The accepted JWS algorithm names, HMAC included when a shared secret is set. Unmodifiable. */
    public Set<String> algorithms() {
        return algorithmNames;
    }

    /** The clock skew allowed on {@code exp}, {@code nbf} and {@code iat}. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** Issuer, key source, audiences and algorithms; never the shared secret. */
    @Override
    public String toString() {
        return "TrustedIssuer[issuer=" + issuer + ", keys=" + keySource + ", audiences=" + audiences
                + ", algorithms=" + algorithmNames + ", clockSkew=" + clockSkew + "]";
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
     * Collects the settings of a {@link TrustedIssuer}. Each setting may be given once; conflicts are
     * reported by {@link #build()} with the setting's name. Not thread-safe.
     */
    public static final class Builder {
        private final String issuer;
        private URI jwksUri;
        private Path jwksFile;
        private JWKSet jwkSet;
        private byte[] sharedSecret;
        private Set<String> audiences;
        private List<String> algorithms;
        private Duration clockSkew;
        private Boolean strictType;
        private Duration jwksCacheTtl;
        private Duration jwksRefreshAhead;
        private Duration jwksRateLimit;
        private Duration jwksOutageTolerance;
        private Duration jwksConnectTimeout;
        private Duration jwksReadTimeout;
        private Integer jwksSizeLimit;
        private boolean allowUnsafeHttp;

        private Builder(String issuer) {
            this.issuer = issuer;
        }

        /**
         * Fetches the issuer's keys from this JWKS URI (cached, see the {@code jwks*} settings). It must be
         * {@code https}, or {@code http} on a loopback host ({@code localhost}, {@code 127.0.0.1},
         * {@code [::1]}), unless {@link #allowUnsafeHttpJwksUri()} is set.
         *
         * @throws IllegalArgumentException when the URI is not absolute http(s)
         */
        public Builder jwksUri(URI uri) {
            Objects.requireNonNull(uri, "jwksUri");
            checkUnset(jwksUri, "jwksUri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("jwksUri must be an absolute http(s) URI: "
                        + UntrustedText.quote(uri.toString()));
            }
            this.jwksUri = uri;
            return this;
        }

        /**
         * Reads the issuer's keys from a local JWKS file, once, when {@link #build()} runs.
         */
        public Builder jwksFile(Path file) {
            Objects.requireNonNull(file, "jwksFile");
            checkUnset(jwksFile, "jwksFile");
            this.jwksFile = file;
            return this;
        }

        /** Uses these keys (their public parts only; symmetric keys are ignored, see {@link #sharedSecret}). */
        public Builder jwkSet(JWKSet keys) {
            Objects.requireNonNull(keys, "jwkSet");
            checkUnset(jwkSet, "jwkSet");
            this.jwkSet = keys;
            return this;
        }

        /**
         * Enables HMAC for this issuer only, with this secret (copied): HS256, plus HS384 from 48 bytes and
         * HS512 from 64 bytes, as RFC 7518 §3.2 requires a key as long as the hash.
         * May be the issuer's only key. Never combine with keys other parties know: anyone holding the secret
         * can mint tokens.
         *
         * @throws IllegalArgumentException when the secret is shorter than 32 bytes
         */
        public Builder sharedSecret(byte[] secret) {
            Objects.requireNonNull(secret, "sharedSecret");
            checkUnset(sharedSecret, "sharedSecret");
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("sharedSecret must be at least " + MIN_SECRET_BYTES
                        + " bytes, got " + secret.length);
            }
            this.sharedSecret = secret.clone();
            return this;
        }

        /**
         * The audiences accepted for this issuer; a token's {@code aud} must contain one. Required.
         *
         * @throws IllegalArgumentException when empty or holding an empty value
         */
        public Builder audiences(Collection<String> audiences) {
            Objects.requireNonNull(audiences, "audiences");
            checkUnset(this.audiences, "audiences");
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
            return this;
        }

        /** Same as {@link #audiences(Collection)}. */
        public Builder audience(String... audiences) {
            Objects.requireNonNull(audiences, "audiences");
            return audiences(Arrays.asList(audiences));
        }

        /**
         * The accepted JWS algorithms by name ({@code RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512
         * EdDSA Ed25519 HS256 HS384 HS512}); default {@code RS256 RS384 RS512 PS256 ES256 ES384 EdDSA}, plus
         * the HMAC algorithms the shared secret is long enough for. EdDSA and Ed25519 (RFC 9864) both mean
         * Ed25519 keys and are accepted only as listed.
         *
         * @throws IllegalArgumentException for {@code none} (in any case), an unknown name or an empty list
         */
        public Builder algorithms(Collection<String> names) {
            Objects.requireNonNull(names, "algorithms");
            checkUnset(algorithms, "algorithms");
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
                            + UntrustedText.quote(name) + "; supported: " + new java.util.TreeSet<>(SUPPORTED));
                }
                copy.add(name);
            }
            this.algorithms = copy;
            return this;
        }

        /**
         * The skew allowed on {@code exp}, {@code nbf} and {@code iat}; default 60 s, at most 5 min.
         *
         * @throws IllegalArgumentException when negative or above 5 minutes
         */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "clockSkew");
            checkUnset(clockSkew, "clockSkew");
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ", got " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        /**
         * When true, the {@code typ} header must be {@code at+jwt} (or {@code application/at+jwt}), as RFC 9068
         * requires; when false (the default) {@code JWT} and an absent {@code typ} are accepted too.
         */
        public Builder requireAtJwtType(boolean strict) {
            checkUnset(strictType, "requireAtJwtType");
            this.strictType = strict;
            return this;
        }

        /** How long a fetched JWK set is used before it is fetched again; default 5 min. Only with a JWKS URI. */
        public Builder jwksCacheTtl(Duration ttl) {
            checkUnset(jwksCacheTtl, "jwksCacheTtl");
            this.jwksCacheTtl = positive(ttl, "jwksCacheTtl");
            return this;
        }

        /**
         * How long before the cache TTL ends a background refetch starts, so that requests never wait for it;
         * default 30 s, zero disables. Only with a JWKS URI.
         */
        public Builder jwksRefreshAhead(Duration refreshAhead) {
            checkUnset(jwksRefreshAhead, "jwksRefreshAhead");
            this.jwksRefreshAhead = notNegative(refreshAhead, "jwksRefreshAhead");
            return this;
        }

        /**
         * The least time between two refetches triggered by tokens with unknown {@code kid}s (Nimbus allows
         * two fetches per interval); default 30 s or half the cache TTL, whichever is shorter; must be shorter
         * than the cache TTL. Bounds the load a flood of forged tokens can put on the issuer. Only with a JWKS
         * URI.
         */
        public Builder jwksRateLimit(Duration minIntervalBetweenFetches) {
            checkUnset(jwksRateLimit, "jwksRateLimit");
            this.jwksRateLimit = positive(minIntervalBetweenFetches, "jwksRateLimit");
            return this;
        }

        /**
         * How long the last fetched JWK set keeps being used while the JWKS URI fails; default ten cache TTLs,
         * zero disables. Only with a JWKS URI.
         */
        public Builder jwksOutageTolerance(Duration tolerance) {
            checkUnset(jwksOutageTolerance, "jwksOutageTolerance");
            this.jwksOutageTolerance = notNegative(tolerance, "jwksOutageTolerance");
            return this;
        }

        /** Connect timeout of a JWKS fetch; default 1 s. Only with a JWKS URI. */
        public Builder jwksConnectTimeout(Duration timeout) {
            checkUnset(jwksConnectTimeout, "jwksConnectTimeout");
            this.jwksConnectTimeout = millis(positive(timeout, "jwksConnectTimeout"), "jwksConnectTimeout");
            return this;
        }

        /**
         * Read timeout of a JWKS fetch (per read); default 2 s. A whole fetch, however it drips, ends after the
         * connect timeout plus this. Only with a JWKS URI.
         */
        public Builder jwksReadTimeout(Duration timeout) {
            checkUnset(jwksReadTimeout, "jwksReadTimeout");
            this.jwksReadTimeout = millis(positive(timeout, "jwksReadTimeout"), "jwksReadTimeout");
            return this;
        }

        /** The largest JWKS response accepted, in bytes; default 256 KiB. Only with a JWKS URI. */
        public Builder jwksSizeLimit(int bytes) {
            checkUnset(jwksSizeLimit, "jwksSizeLimit");
            if (bytes <= 0) {
                throw new IllegalArgumentException("jwksSizeLimit must be positive, got " + bytes);
            }
            this.jwksSizeLimit = bytes;
            return this;
        }

        /**
         * Accepts a plain {@code http} JWKS URI on any host. Unsafe: whoever can alter the connection can
         * substitute keys and mint tokens. It exists for test rigs and closed networks with an internal IdP.
         */
        public Builder allowUnsafeHttpJwksUri() {
            this.allowUnsafeHttp = true;
            return this;
        }

        /**
         * Builds the issuer; loads a JWKS file now.
         *
         * @throws IllegalStateException when no key source or several are set, when no audience is set, when
         *     {@code jwks*} settings are given without a JWKS URI, when HMAC algorithms and the shared secret
         *     disagree, or when the JWKS timings conflict
         * @throws IllegalArgumentException when the JWKS file cannot be read or the keys hold no usable key
         */
        public TrustedIssuer build() {
            int sources = (jwksUri != null ? 1 : 0) + (jwksFile != null ? 1 : 0) + (jwkSet != null ? 1 : 0);
            if (sources > 1) {
                throw new IllegalStateException("issuer " + issuer
                        + ": set only one of jwksUri, jwksFile and jwkSet");
            }
            if (sources == 0 && sharedSecret == null) {
                throw new IllegalStateException("issuer " + issuer
                        + ": a key source is required: jwksUri, jwksFile, jwkSet or sharedSecret");
            }
            if (audiences == null) {
                throw new IllegalStateException("issuer " + issuer + ": audiences is required");
            }
            if (jwksUri == null) {
                rejectWithoutUri(jwksCacheTtl, "jwksCacheTtl");
                rejectWithoutUri(jwksRefreshAhead, "jwksRefreshAhead");
                rejectWithoutUri(jwksRateLimit, "jwksRateLimit");
                rejectWithoutUri(jwksOutageTolerance, "jwksOutageTolerance");
                rejectWithoutUri(jwksConnectTimeout, "jwksConnectTimeout");
                rejectWithoutUri(jwksReadTimeout, "jwksReadTimeout");
                rejectWithoutUri(jwksSizeLimit, "jwksSizeLimit");
            } else if (!allowUnsafeHttp && jwksUri.getScheme().equalsIgnoreCase("http") && !isLoopback(jwksUri)) {
                throw new IllegalStateException("issuer " + issuer + ": jwksUri must use https (http only on a"
                        + " loopback host, or set allowUnsafeHttpJwksUri): " + UntrustedText.quote(jwksUri.toString()));
            }
            Set<String> names = effectiveAlgorithms();

            Set<JWSAlgorithm> asymmetric = new LinkedHashSet<>();
            Set<JWSAlgorithm> hmac = new LinkedHashSet<>();
            for (String name : names) {
                JWSAlgorithm alg = JWSAlgorithm.parse(name);
                (JWSAlgorithm.Family.HMAC_SHA.contains(alg) ? hmac : asymmetric).add(alg);
            }
            if (sources == 0 && !asymmetric.isEmpty() && algorithms != null) {
                throw new IllegalStateException("issuer " + issuer + ": algorithms " + asymmetric
                        + " need jwksUri, jwksFile or jwkSet");
            }

            JWKSource<SecurityContext> keys = null;
            JWKSetSource<SecurityContext> remoteCache = null;
            String keySource;
            if (jwksUri != null) {
                keys = remoteSource();
                remoteCache = ((JWKSetBasedJWKSource<SecurityContext>) keys).getJWKSetSource();
                keySource = "jwksUri " + jwksUri;
            } else if (jwksFile != null) {
                keys = new ImmutableJWKSet<>(publicKeys(loadFile(), "jwksFile"));
                keySource = "jwksFile " + jwksFile;
            } else if (jwkSet != null) {
                keys = new ImmutableJWKSet<>(publicKeys(jwkSet, "jwkSet"));
                keySource = "jwkSet";
            } else {
                keySource = "sharedSecret";
            }
            if (sharedSecret != null && sources > 0) {
                keySource += " + sharedSecret";
            }
            // The secret's JCA algorithm name only labels the key; MACVerifier picks the HMAC from the header.
            SecretKeySpec secret = sharedSecret == null ? null : new SecretKeySpec(sharedSecret, "HmacSHA256");
            IssuerKeySelector selector = new IssuerKeySelector(
                    Set.copyOf(asymmetric), keys, remoteCache, Set.copyOf(hmac), secret);
            return new TrustedIssuer(this, names, selector, keySource);
        }

        private Set<String> effectiveAlgorithms() {
            Set<String> names = new LinkedHashSet<>(algorithms != null ? algorithms : DEFAULT_ALGORITHMS);
            if (algorithms == null && sharedSecret != null) {
                for (String hmac : HMAC_ALGORITHMS) {
                    if (sharedSecret.length >= hmacKeyBytes(hmac)) {
                        names.add(hmac);
                    }
                }
            }
            for (String name : names) {
                if (HMAC_ALGORITHMS.contains(name) && sharedSecret != null && sharedSecret.length < hmacKeyBytes(name)) {
                    throw new IllegalStateException("issuer " + issuer + ": algorithms lists " + name
                            + ", which needs a sharedSecret of at least " + hmacKeyBytes(name) + " bytes");
                }
            }
            boolean anyHmac = names.stream().anyMatch(HMAC_ALGORITHMS::contains);
            if (anyHmac && sharedSecret == null) {
                // RFC 8725 §2.1: HMAC with a public key as the secret is the classic algorithm-confusion forgery.
                throw new IllegalStateException("issuer " + issuer
                        + ": algorithms lists HMAC (HS256/HS384/HS512) but no sharedSecret is set");
            }
            if (!anyHmac && sharedSecret != null) {
                throw new IllegalStateException("issuer " + issuer
                        + ": sharedSecret is set but algorithms lists no HMAC algorithm (HS256/HS384/HS512)");
            }
            if (algorithms == null && jwksUri == null && jwksFile == null && jwkSet == null) {
                names.retainAll(HMAC_ALGORITHMS);
            }
            return names;
        }

        /** RFC 7518 §3.2: the key must be at least as long as the hash output. */
        private static int hmacKeyBytes(String alg) {
            return Integer.parseInt(alg.substring(2)) / 8;
        }

        private JWKSource<SecurityContext> remoteSource() {
            Duration ttl = orDefault(jwksCacheTtl, DEFAULT_JWKS_CACHE_TTL);
            Duration refreshAhead = orDefault(jwksRefreshAhead, DEFAULT_JWKS_REFRESH_AHEAD);
            Duration rateLimit = jwksRateLimit != null ? jwksRateLimit
                    : min(DEFAULT_JWKS_RATE_LIMIT, ttl.dividedBy(2));
            Duration outage = orDefault(jwksOutageTolerance, ttl.multipliedBy(DEFAULT_OUTAGE_TTLS));
            Duration connect = orDefault(jwksConnectTimeout, DEFAULT_JWKS_CONNECT_TIMEOUT);
            Duration read = orDefault(jwksReadTimeout, DEFAULT_JWKS_READ_TIMEOUT);
            int sizeLimit = jwksSizeLimit != null ? jwksSizeLimit : DEFAULT_JWKS_SIZE_LIMIT;
            if (rateLimit.compareTo(ttl) >= 0) {
                throw new IllegalStateException("issuer " + issuer + ": jwksRateLimit (" + rateLimit
                        + ") must be shorter than jwksCacheTtl (" + ttl + ")");
            }
            // Threads waiting for another thread's fetch give up after one fetch's worst case.
            Duration refreshTimeout = connect.plus(read);
            if (!refreshAhead.isZero() && refreshAhead.plus(refreshTimeout).compareTo(ttl) > 0) {
                throw new IllegalStateException("issuer " + issuer + ": jwksRefreshAhead (" + refreshAhead
                        + ") plus jwksConnectTimeout and jwksReadTimeout (" + refreshTimeout
                        + ") must not exceed jwksCacheTtl (" + ttl + ")");
            }
            // The read timeout is per read; the deadline bounds a fetch that drips (DeadlineResourceRetriever).
            DefaultResourceRetriever retriever = new DeadlineResourceRetriever(
                    (int) connect.toMillis(), (int) read.toMillis(), sizeLimit, refreshTimeout.toMillis());
            JWKSourceBuilder<SecurityContext> b;
            try {
                b = JWKSourceBuilder.create(jwksUri.toURL(), retriever);
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("jwksUri is not a valid URL: " + UntrustedText.quote(jwksUri.toString()), e);
            }
            b.cache(ttl.toMillis(), refreshTimeout.toMillis())
                    .rateLimited(rateLimit.toMillis())
                    .retrying(false);
            if (refreshAhead.isZero()) {
                b.refreshAheadCache(false);
            } else {
                b.refreshAheadCache(refreshAhead.toMillis(), null, REFRESH_EXECUTOR, false, null, false);
            }
            if (outage.isZero()) {
                b.outageTolerant(false);
            } else {
                b.outageTolerant(outage.toMillis());
            }
            return b.build();
        }

        private JWKSet loadFile() {
            try {
                return JWKSet.load(jwksFile.toFile());
            } catch (IOException | ParseException | RuntimeException e) {
                throw new IllegalArgumentException("jwksFile " + jwksFile + " cannot be read as a JWK set: "
                        + e.getClass().getSimpleName(), e);
            }
        }

        private JWKSet publicKeys(JWKSet keys, String setting) {
            JWKSet publicKeys = keys.toPublicJWKSet();
            if (publicKeys.isEmpty()) {
                throw new IllegalArgumentException("issuer " + issuer + ": " + setting + " holds no public key");
            }
            return publicKeys;
        }

        private static boolean isLoopback(URI uri) {
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        }

        private static void checkUnset(Object current, String setting) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set");
            }
        }

        private static void rejectWithoutUri(Object value, String setting) {
            if (value != null) {
                throw new IllegalStateException(setting + " applies only with jwksUri");
            }
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
}
