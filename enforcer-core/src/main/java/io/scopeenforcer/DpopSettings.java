package io.scopeenforcer;

import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.UntrustedText;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the engine checks DPoP proofs (RFC 9449): the origin the API is addressed at, the proof algorithms it
 * accepts, how old or new a proof's {@code iat} may be, where used proofs are remembered, and whether proofs need
 * a server nonce (§8, §9). Immutable and
 * thread-safe; give it to {@link Enforcer.Builder#dpop(DpopSettings)}.
 *
 * <p>The origin is configuration, never read from the request: behind a proxy, {@code Host} and
 * {@code X-Forwarded-*} are whatever the client or a misconfigured hop put there, and an {@code htu} checked
 * against them would accept a proof made for another API (RFC 9449 §11.1, proof replay across servers).
 */
public final class DpopSettings {

    /** Asymmetric algorithms the proof check implements; RFC 9449 §4.2 forbids {@code none} and MACs. */
    static final Set<String> SUPPORTED = Set.of("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256",
            "PS384", "PS512", "EdDSA", "Ed25519");
    /** The default accepted algorithms, in the order {@code algs="..."} and the metadata list them. */
    public static final List<String> DEFAULT_ALGORITHMS = List.of("ES256", "ES384", "ES512", "PS256", "PS384",
            "PS512", "RS256", "RS384", "RS512", "EdDSA", "Ed25519");
    /** The default {@code iat} window: a proof is accepted up to 60 s after (or before) it says it was made. */
    public static final Duration DEFAULT_PROOF_WINDOW = Duration.ofSeconds(60);
    /** The default number of used proofs the in-memory replay cache remembers. */
    public static final long DEFAULT_REPLAY_CACHE_ENTRIES = 100_000;
    /** The default lifetime of a server nonce: accepted for at least 5 minutes, at most 10. */
    public static final Duration DEFAULT_NONCE_LIFETIME = Duration.ofMinutes(5);
    /** The shortest nonce secret: RFC 7518 §3.2's HMAC-SHA256 key size. */
    static final int MIN_NONCE_SECRET_BYTES = 32;

    private final String origin;
    private final List<String> algorithms;
    private final long windowSeconds;
    private final ReplayCache replayCache;
    private final Duration retention;
    private final Clock clock;
    /** Server nonces (RFC 9449 §8, §9), or null when proofs need none. */
    private final DpopNonces nonces;
    private final Duration nonceLifetime;

    private DpopSettings(Builder b) {
        this.origin = b.origin;
        this.algorithms = b.algorithms != null ? b.algorithms : DEFAULT_ALGORITHMS;
        Duration window = b.window != null ? b.window : DEFAULT_PROOF_WINDOW;
        this.windowSeconds = window.getSeconds();
        this.retention = retention(window);
        this.replayCache = b.replayCache != null ? b.replayCache
                : ReplayCache.inMemory(b.replayEntries > 0 ? b.replayEntries : DEFAULT_REPLAY_CACHE_ENTRIES);
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.nonceLifetime = b.nonceLifetime;
        this.nonces = b.nonceLifetime == null ? null
                : new DpopNonces(b.nonceSecret != null ? b.nonceSecret : randomSecret(), origin, b.nonceLifetime, clock);
    }

    /** A secret for this instance alone: its nonces are then accepted by no other instance. */
    private static byte[] randomSecret() {
        byte[] secret = new byte[MIN_NONCE_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** A builder. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** The normalized origin ({@code https://api.example.com}, default port dropped, lower case). */
    public String origin() {
        return origin;
    }

    /** The accepted proof algorithms, unmodifiable. */
    public List<String> algorithms() {
        return algorithms;
    }

    /** The {@code iat} window. */
    public Duration proofWindow() {
        return Duration.ofSeconds(windowSeconds);
    }

    long windowSeconds() {
        return windowSeconds;
    }

    ReplayCache replayCache() {
        return replayCache;
    }

    /** How long the replay cache remembers a used proof. */
    Duration retention() {
        return retention;
    }

    Clock clock() {
        return clock;
    }

    /** How long a server nonce lasts (accepted for at least this, at most twice it), or null when none is required. */
    public Duration nonceLifetime() {
        return nonceLifetime;
    }

    /**
     * The server nonce a client should put in its next proof's {@code nonce} claim now (the {@code DPoP-Nonce}
     * response header, RFC 9449 §8), or null when proofs need none.
     */
    public String currentNonce() {
        return nonces == null ? null : nonces.current();
    }

    DpopNonces nonces() {
        return nonces;
    }

    /**
     * How long a used proof must be remembered: a proof is accepted while its {@code iat} is within the window of
     * now, and an {@code iat} up to a window ahead stays acceptable for two windows.
     */
    static Duration retention(Duration window) {
        return window.multipliedBy(2);
    }

    /**
     * {@code value} as an origin, normalized per RFC 3986 §6.2.2.1 and §6.2.3: scheme and host in lower case, the
     * scheme's default port dropped; null when it is not an {@code http(s)} origin (no user info, path other than
     * {@code /}, query or fragment).
     */
    static String normalizeOrigin(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            return null;
        }
        return origin(uri);
    }

    /** {@code scheme://host[:port]} of an absolute http(s) URI, normalized; null for anything else. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme) || uri.getHost() == null || uri.isOpaque()) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Builds {@link DpopSettings}; each setting once. Not thread-safe. */
    public static final class Builder {
        private String origin;
        private List<String> algorithms;
        private Duration window;
        private ReplayCache replayCache;
        private long replayEntries;
        private Clock clock;
        private Duration nonceLifetime;
        private byte[] nonceSecret;

        private Builder() {
        }

        /**
         * The scheme and host (and port) clients address this API at, e.g. {@code https://api.example.com}
         * (required): a proof's {@code htu} must be this origin followed by the request's path.
         *
         * @throws IllegalArgumentException when it is not an http(s) origin without path, query or user info
         */
        public Builder origin(String value) {
            Objects.requireNonNull(value, "origin");
            Settings.once(origin, "origin");
            String normalized = normalizeOrigin(value);
            if (normalized == null) {
                throw new IllegalArgumentException("not an http(s) origin such as https://api.example.com: "
                        + UntrustedText.quote(value));
            }
            this.origin = normalized;
            return this;
        }

        /**
         * The accepted proof algorithms; default {@link #DEFAULT_ALGORITHMS}.
         *
         * @throws IllegalArgumentException for an empty list, {@code none}, a MAC or an unknown algorithm
         */
        public Builder algorithms(List<String> names) {
            Objects.requireNonNull(names, "algorithms");
            Settings.once(algorithms, "algorithms");
            List<String> out = new ArrayList<>();
            for (String name : names) {
                if (!SUPPORTED.contains(name)) {
                    throw new IllegalArgumentException("not an accepted DPoP proof algorithm (asymmetric only: "
                            + String.join(",", DEFAULT_ALGORITHMS) + "): " + UntrustedText.quote(name));
                }
                if (!out.contains(name)) {
                    out.add(name);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("empty list");
            }
            this.algorithms = List.copyOf(out);
            return this;
        }

        /**
         * How far a proof's {@code iat} may be from now, either way; default 60 s.
         *
         * @throws IllegalArgumentException when below 1 second or above 10 minutes
         */
        public Builder proofWindow(Duration value) {
            Objects.requireNonNull(value, "proofWindow");
            Settings.once(window, "proofWindow");
            if (value.getSeconds() < 1 || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("proofWindow must be between 1 second and 10 minutes, got " + value);
            }
            this.window = value;
            return this;
        }

        /** Where used proofs are remembered; default {@link ReplayCache#inMemory} of 100 000 entries. */
        public Builder replayCache(ReplayCache cache) {
            Settings.once(replayCache, "replayCache");
            this.replayCache = Objects.requireNonNull(cache, "replayCache");
            return this;
        }

        /**
         * The size of the default in-memory replay cache; default 100 000.
         *
         * @throws IllegalArgumentException when below 1
         */
        public Builder replayCacheMaxEntries(long entries) {
            Settings.once(replayEntries > 0, "replayCacheMaxEntries");
            if (entries < 1) {
                throw new IllegalArgumentException("replayCacheMaxEntries must be at least 1, got " + entries);
            }
            this.replayEntries = entries;
            return this;
        }

        /**
         * Requires every proof to carry a {@code nonce} this server issued (RFC 9449 §8, §9 for resource servers),
         * which bounds a proof's use in time by the server's clock rather than by the client's {@code iat}. A proof
         * without one, or with an unknown or stale one, is refused 401 {@code use_dpop_nonce} with a fresh nonce in
         * {@code DPoP-Nonce}; an accepted proof whose nonce is from the previous step gets the current one in the
         * answer. Nonces are stateless (an HMAC over a time step of this length): one is accepted for at least
         * {@code lifetime} and at most twice it. Off by default.
         *
         * @throws IllegalArgumentException when below 1 second or above 1 day
         */
        public Builder requireNonce(Duration lifetime) {
            Objects.requireNonNull(lifetime, "requireNonce");
            Settings.once(nonceLifetime, "requireNonce");
            if (lifetime.toMillis() < 1000 || lifetime.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("the nonce lifetime must be between 1 second and 1 day, got "
                        + lifetime);
            }
            this.nonceLifetime = lifetime;
            return this;
        }

        /**
         * The key nonces are made with, so that every instance behind a load balancer accepts the nonces of every
         * other (they need the same secret, origin and lifetime, and clocks that agree); default a random key of
         * this instance, whose nonces no other instance accepts. Needs {@link #requireNonce}.
         *
         * @throws IllegalArgumentException when shorter than 32 bytes (RFC 7518 §3.2)
         */
        public Builder nonceSecret(byte[] secret) {
            Objects.requireNonNull(secret, "nonceSecret");
            Settings.once(nonceSecret, "nonceSecret");
            if (secret.length < MIN_NONCE_SECRET_BYTES) {
                throw new IllegalArgumentException("nonceSecret must be at least " + MIN_NONCE_SECRET_BYTES
                        + " bytes, got " + secret.length);
            }
            this.nonceSecret = secret.clone();
            return this;
        }

        /** The clock of the {@code iat} check and of nonces; default the system clock. */
        public Builder clock(Clock value) {
            Settings.once(clock, "clock");
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalStateException when the origin is missing, both a replay cache and its size were given, or
         *     a nonce secret without {@link #requireNonce}
         */
        public DpopSettings build() {
            if (origin == null) {
                throw new IllegalStateException("origin is required");
            }
            if (nonceSecret != null && nonceLifetime == null) {
                throw new IllegalStateException("nonceSecret needs requireNonce");
            }
            if (replayCache != null && replayEntries > 0) {
                throw new IllegalStateException("give a replayCache or replayCacheMaxEntries, not both");
            }
            return new DpopSettings(this);
        }
    }
}
