package io.scopeenforcer;

import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.UntrustedText;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the engine checks DPoP proofs (RFC 9449): the origin the API is addressed at, the proof algorithms it
 * accepts, how old or new a proof's {@code iat} may be, and where used proofs are remembered. Immutable and
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

    private final String origin;
    private final List<String> algorithms;
    private final long windowSeconds;
    private final ReplayCache replayCache;
    private final Duration retention;
    private final Clock clock;

    private DpopSettings(Builder b) {
        this.origin = b.origin;
        this.algorithms = b.algorithms != null ? b.algorithms : DEFAULT_ALGORITHMS;
        Duration window = b.window != null ? b.window : DEFAULT_PROOF_WINDOW;
        this.windowSeconds = window.getSeconds();
        this.retention = retention(window);
        this.replayCache = b.replayCache != null ? b.replayCache
                : ReplayCache.inMemory(b.replayEntries > 0 ? b.replayEntries : DEFAULT_REPLAY_CACHE_ENTRIES);
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
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

        /** The clock of the {@code iat} check; default the system clock. */
        public Builder clock(Clock value) {
            Settings.once(clock, "clock");
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalStateException when the origin is missing, or both a replay cache and its size were given
         */
        public DpopSettings build() {
            if (origin == null) {
                throw new IllegalStateException("origin is required");
            }
            if (replayCache != null && replayEntries > 0) {
                throw new IllegalStateException("give a replayCache or replayCacheMaxEntries, not both");
            }
            return new DpopSettings(this);
        }
    }
}
