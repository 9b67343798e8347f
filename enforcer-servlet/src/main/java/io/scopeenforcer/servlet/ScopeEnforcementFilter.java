package io.scopeenforcer.servlet;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.internal.EngineAccess;
import io.scopeenforcer.token.KeySetStatus;
import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TokenResult;
import io.scopeenforcer.token.TrustedIssuer;
import io.scopeenforcer.token.VerifiedToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A Jakarta Servlet filter that makes the web app a strict OAuth 2.0 resource server: it extracts the bearer
 * token (header only), asks the {@link Enforcer}, and either passes the request on, wrapped with the token's
 * identity, or answers 400/401/403/405/503 as RFC 6750 says, with an RFC 9457 problem body.
 *
 * <p>Register it in {@code web.xml} (configured from init-params, then context params, then system
 * properties {@code enforcer.<name>}; see README), or build it in code with {@link #newBuilder()}.
 * Thread-safe once initialized.
 */
public final class ScopeEnforcementFilter implements Filter {

    /** Request attribute holding the {@link VerifiedToken} of an allowed request. */
    public static final String TOKEN_ATTRIBUTE = VerifiedToken.class.getName();
    /** Request attribute holding the {@link Decision} for the request. */
    public static final String DECISION_ATTRIBUTE = Decision.class.getName();
    /**
     * Where RFC 9728 protected-resource metadata is served, relative to the context path; also at this path
     * followed by the resource identifier's path, where the challenges' {@code resource_metadata} points.
     */
    public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
    /**
     * On {@link #init(FilterConfig)} the filter publishes itself as the ServletContext attribute named this prefix
     * followed by its {@code <filter-name>} ({@code io.scopeenforcer.servlet.ScopeEnforcementFilter.scope-enforcer}),
     * so that the web app can read its {@link #stats()} and {@link #keyStatus()} without container-specific
     * code; removed again on {@link #destroy()}.
     */
    public static final String CONTEXT_ATTRIBUTE_PREFIX = ScopeEnforcementFilter.class.getName() + ".";
    /**
     * The ServletContext attribute where the filter looks, on {@code init()}, for a Micrometer
     * {@code MeterRegistry} to register its meters in (unless one was given to the builder): the registry type's
     * class name, {@code io.micrometer.core.instrument.MeterRegistry}.
     */
    public static final String METER_REGISTRY_ATTRIBUTE = FilterMetrics.REGISTRY_CLASS;

    private static final System.Logger LOG = System.getLogger(ScopeEnforcementFilter.class.getName());

    /** What the filter does with a denial. */
    public enum Mode {
        /** Deny: answer with the denial's status. The default. */
        ENFORCING,
        /** Log and count the would-be denial, then let the request through: for a safe roll-out only. */
        PERMISSIVE
    }

    /** Whether {@code init()} fetches the trusted issuers' keys (parameter {@code key-prefetch}). */
    public enum KeyPrefetch {
        /** No: the first request that needs them fetches them. The default. */
        OFF,
        /** Fetch them; an issuer whose fetch failed is logged at WARNING and the filter starts. */
        WARN,
        /** Fetch them; an issuer whose fetch failed fails {@code init()}, naming the issuer and its JWKS URL. */
        FAIL
    }

    private volatile FilterSettings settings;
    private final LongAdder allowed = new LongAdder();
    private final Map<Decision.Reason, LongAdder> denied = new EnumMap<>(Decision.Reason.class);
    private final LongAdder permitted = new LongAdder();
    private volatile FilterMetrics metrics = FilterMetrics.NONE;
    private volatile ServletContext publishedIn;
    private volatile String publishedAs;

    /** For {@code web.xml}: configured in {@link #init(FilterConfig)}. */
    public ScopeEnforcementFilter() {
        for (Decision.Reason reason : Decision.Reason.values()) {
            denied.put(reason, new LongAdder());
        }
    }

    private ScopeEnforcementFilter(FilterSettings settings) {
        this();
        this.settings = settings;
    }

    /** A builder for a filter configured in code; {@link #init(FilterConfig)} then reads no parameters. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Reads the configuration unless the filter was built in code.
     *
     * @throws ServletException naming the parameter when the configuration is bad
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        ServletContext context = config == null ? null : config.getServletContext();
        if (settings == null) {
            try {
                settings = FilterSettings.fromConfig(config);
            } catch (FilterSettings.BadParameter e) {
                throw new ConfigurationException(e.parameter(), e.reason(), e);
            }
            settings.policyWarnings().forEach(w -> LOG.log(Level.WARNING, "scope-enforcer policy: {0}", w));
            LOG.log(Level.INFO, "scope-enforcer: {0} mode, {1} rules", settings.mode(),
                    EngineAccess.policy(settings.enforcer()).rules().size());
        }
        prefetch(settings);
        if (metrics == FilterMetrics.NONE && context != null) {
            Object registry = context.getAttribute(METER_REGISTRY_ATTRIBUTE);
            if (registry != null) {
                try {
                    metrics = FilterMetrics.forRegistry(registry, this);
                } catch (IllegalArgumentException e) {
                    // Metrics are an add-on: a wrong attribute must not keep the API from starting.
                    LOG.log(Level.WARNING, "scope-enforcer: no metrics: context attribute {0}: {1}",
                            METER_REGISTRY_ATTRIBUTE, e.getMessage());
                }
            }
        }
        if (context != null && config.getFilterName() != null) {
            publishedAs = CONTEXT_ATTRIBUTE_PREFIX + config.getFilterName();
            publishedIn = context;
            context.setAttribute(publishedAs, this);
        }
    }

    /** {@code key-prefetch}: fetch every issuer's keys now; log or fail for an issuer whose fetch failed. */
    private static void prefetch(FilterSettings s) throws ServletException {
        if (s.keyPrefetch() == KeyPrefetch.OFF) {
            return;
        }
        for (TrustedIssuer issuer : EngineAccess.verifier(s.enforcer()).trustedIssuers()) {
            KeySetStatus status = issuer.prefetchKeys();
            if (status.loaded()) {
                LOG.log(Level.INFO, "scope-enforcer: issuer {0}: {1} keys loaded from {2}",
                        status.issuer(), status.keyCount(), status.source());
                continue;
            }
            String problem = "issuer " + status.issuer() + ": no keys from " + status.source() + ": "
                    + (status.lastError() == null ? "no fetch was made" : status.lastError());
            if (s.keyPrefetch() == KeyPrefetch.FAIL) {
                throw new ConfigurationException(FilterParameter.KEY_PREFETCH.parameterName(),
                        UntrustedText.sanitize(problem), null);
            }
            LOG.log(Level.WARNING, "scope-enforcer: key-prefetch: {0}", UntrustedText.sanitize(problem));
        }
    }

    /** Enforces the policy on one request. */
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        FilterSettings s = settings;
        if (s == null) {
            throw new IllegalStateException("ScopeEnforcementFilter used before init()");
        }
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        String path = pathWithinContext(request);
        if (s.metadataJson() != null && path != null && s.metadataPaths().contains(path)
                && ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
            serveMetadata(s, response, "HEAD".equals(request.getMethod()));
            return;
        }
        Enumeration<String> headers = request.getHeaders("Authorization");
        String authorization = headers != null && headers.hasMoreElements() ? headers.nextElement() : null;
        String problem = RequestChecks.problem(request, headers);
        // The clock is read only when a registry takes the timing: no cost on the path without Micrometer.
        FilterMetrics m = metrics;
        boolean timed = m != FilterMetrics.NONE;
        long started = timed ? System.nanoTime() : 0;
        Decision decision;
        if (problem != null) {
            decision = Decision.Deny.invalidRequest(problem);
        } else if (path == null) {
            decision = Decision.Deny.invalidRequest("the request path is outside the context path");
        } else {
            decision = s.enforcer().decide(authorization, request.getMethod(), path,
                    ClientProof.of(s, request, authorization));
        }
        boolean permissive = s.mode() == Mode.PERMISSIVE;
        m.decided(decision, permissive, timed ? System.nanoTime() - started : 0);
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (decision instanceof Decision.Allow allow) {
            allowed.increment();
            if (allow.dpopNonce() != null) {
                response.setHeader(Responses.DPOP_NONCE, allow.dpopNonce());
            }
            chain.doFilter(new EnforcedRequest(request, allow.token()), response);
            return;
        }
        Decision.Deny deny = (Decision.Deny) decision;
        denied.get(deny.reason()).increment();
        if (LOG.isLoggable(Level.INFO)) {
            LOG.log(Level.INFO, auditLine(s, request, deny));
        }
        if (permissive) {
            permitted.increment();
            chain.doFilter(new EnforcedRequest(request, null), response);
            return;
        }
        s.responses().write(response, deny, ClientProof.isDpopScheme(authorization));
    }

    /** A W3C Trace Context {@code traceparent} (version 00 layout): its trace-id names the request. */
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    /**
     * The denial's one audit line, {@code key=value} pairs: what was asked, what was decided and why, who asked
     * (when the token verified), where the rule is, which request it was. Never the token or the Authorization
     * header. Untrusted input (method, path, request id, the token's claims) is quoted, sanitized and cut to
     * {@value UntrustedText#MAX_FRAGMENT} characters; the filter's own words and the configuration are
     * sanitized only.
     */
    static String auditLine(FilterSettings s, HttpServletRequest request, Decision.Deny deny) {
        StringBuilder line = new StringBuilder(256).append("scope-enforcer ")
                .append(s.mode() == Mode.PERMISSIVE ? "would_deny" : "deny")
                .append(": status=").append(deny.status())
                .append(" reason=").append(deny.reason().name().toLowerCase(Locale.ROOT));
        TokenResult.Invalid problem = deny.tokenProblem();
        if (problem != null) {
            line.append(" token_failure=").append(problem.failure().name().toLowerCase(Locale.ROOT));
        }
        line.append(" method=").append(UntrustedText.quote(request.getMethod()))
                .append(" path=").append(UntrustedText.quote(request.getRequestURI()))
                .append(" rule=").append(deny.rule() == null ? "none" : "'" + UntrustedText.sanitize(ruleName(deny)) + "'");
        VerifiedToken token = deny.token();
        if (token != null) {
            line.append(" client=").append(UntrustedText.quote(token.clientId()))
                    .append(" subject=").append(UntrustedText.quote(token.subject()));
        }
        if (problem != null && problem.failure() == TokenFailure.WRONG_ISSUER) {
            line.append(" token_iss=").append(UntrustedText.quote(problem.tokenIssuer()))
                    .append(" trusted_iss=").append(configured(EngineAccess.verifier(s.enforcer()).trustedIssuers().stream()
                            .map(TrustedIssuer::issuer).toList()));
        } else if (problem != null && problem.failure() == TokenFailure.WRONG_AUDIENCE) {
            line.append(" token_iss=").append(UntrustedText.quote(problem.tokenIssuer()))
                    .append(" token_aud=").append(quoted(problem.tokenAudiences()));
            EngineAccess.verifier(s.enforcer()).trustedIssuers().stream()
                    .filter(i -> i.issuer().equals(problem.tokenIssuer())).findFirst()
                    .ifPresent(i -> line.append(" accepted_aud=").append(configured(List.copyOf(i.audiences()))));
        }
        String requestId = requestId(request);
        if (requestId != null) {
            line.append(" request_id=").append(requestId);
        }
        return line.append(" detail='").append(UntrustedText.sanitize(deny.description())).append('\'').toString();
    }

    /**
     * The rule as an operator finds it: {@code file:line}, or for a rule of {@code include management-api} the
     * built-in rule itself ({@code management-api:GET /v1/tenants/{tenant}}).
     */
    private static String ruleName(Decision.Deny deny) {
        String source = deny.rule().source();
        if (!source.equals(io.scopeenforcer.RoutePolicy.MANAGEMENT_API)) {
            return source;
        }
        String[] written = deny.rule().toString().split(" ", 3);
        return source + ":" + written[0] + " " + written[1];
    }

    /** The trace-id of a valid {@code traceparent}, else the {@code X-Request-Id}, quoted; null for neither. */
    private static String requestId(HttpServletRequest request) {
        String traceparent = request.getHeader("traceparent");
        if (traceparent != null) {
            java.util.regex.Matcher m = TRACEPARENT.matcher(traceparent.strip());
            if (m.matches()) {
                return "'" + m.group(1) + "'";
            }
        }
        String id = request.getHeader("X-Request-Id");
        return id == null ? null : UntrustedText.quote(id);
    }

    private static String quoted(List<String> untrusted) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < untrusted.size(); i++) {
            out.append(i == 0 ? "" : ",").append(UntrustedText.quote(untrusted.get(i)));
        }
        return out.append(']').toString();
    }

    private static String configured(List<String> values) {
        return "'" + UntrustedText.sanitize(String.join(",", values)).replace('\'', '?') + "'";
    }

    private static String pathWithinContext(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (uri == null) {
            return null;
        }
        if (context == null || context.isEmpty()) {
            return uri;
        }
        // HttpServletRequest.getContextPath() is the context path as the client spelt it, where the container
        // matched it loosely: Tomcat maps "/%61pp/..." and "/app;x=1/..." to the context "/app" and returns
        // "/%61pp" and "/app;x=1", Jetty returns "/app". Cutting the raw URI at the client's spelling would let
        // Tomcat decide on a path Jetty refuses. The raw URI is cut at the context's own path instead (Servlet 6.0:
        // ServletContext.getContextPath() is "the prime or preferred context path"), so that a disguised context
        // path is refused on every container alike: the filter decides on the raw path and never decodes or
        // normalizes it (RFC 3986 §6.2.2).
        String own = request.getServletContext().getContextPath();
        if (own == null || own.isEmpty()) {
            return uri;
        }
        return uri.startsWith(own) ? uri.substring(own.length()) : null;
    }

    private static void serveMetadata(FilterSettings s, HttpServletResponse response, boolean head) throws IOException {
        byte[] body = s.metadataJson().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "max-age=300");
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    /**
     * Counters since start: allowed, denied by reason, and denials let through in permissive mode; the caches;
     * and where each trusted issuer's keys stand.
     */
    public Stats stats() {
        Map<Decision.Reason, Long> byReason = new EnumMap<>(Decision.Reason.class);
        denied.forEach((reason, count) -> byReason.put(reason, count.sum()));
        FilterSettings s = settings;
        Enforcer.Stats engine = s == null ? null : s.enforcer().stats();
        return new Stats(allowed.sum(), Map.copyOf(byReason), permitted.sum(),
                engine == null ? null : engine.tokenCache(), engine == null ? null : engine.decisionCache(),
                keyStatus());
    }

    /**
     * Where each trusted issuer's keys stand (loaded, key count, last fetch, last error), in the order the issuers
     * were trusted; costs no fetch. Empty before {@code init()}.
     */
    public List<KeySetStatus> keyStatus() {
        FilterSettings s = settings;
        return s == null ? List.of()
                : EngineAccess.verifier(s.enforcer()).trustedIssuers().stream().map(TrustedIssuer::keyStatus).toList();
    }

    /**
     * A readiness check: fetches the keys of every issuer that has none yet (through the cache and its rate limit,
     * as a request would: calling this on every probe is safe), then answers {@link #keyStatus()}. Ready when
     * every status is {@linkplain KeySetStatus#loaded() loaded}.
     */
    public List<KeySetStatus> checkKeys() {
        FilterSettings s = settings;
        return s == null ? List.of()
                : EngineAccess.verifier(s.enforcer()).trustedIssuers().stream().map(TrustedIssuer::prefetchKeys).toList();
    }

    /** The engine, once initialized, else null; for this package's tests. */
    Enforcer enforcer() {
        FilterSettings s = settings;
        return s == null ? null : s.enforcer();
    }

    /**
     * Removes the filter's meters from the registry and its ServletContext attribute; the caches are garbage
     * collected with the filter.
     */
    @Override
    public void destroy() {
        metrics.close();
        FilterSettings closing = settings;
        if (closing != null) {
            closing.close();
        }
        metrics = FilterMetrics.NONE;
        ServletContext context = publishedIn;
        if (context != null && context.getAttribute(publishedAs) == this) {
            context.removeAttribute(publishedAs);
        }
        publishedIn = null;
    }

    /**
     * Counters.
     *
     * @param allowed requests passed on
     * @param deniedByReason denials (or would-be denials in permissive mode) by reason
     * @param permissivePassed would-be denials let through in permissive mode
     * @param tokenCache the token cache's statistics
     * @param decisionCache the decision cache's statistics
     * @param keySets where each trusted issuer's keys stand, as {@link #keyStatus()}
     */
    public record Stats(long allowed, Map<Decision.Reason, Long> deniedByReason, long permissivePassed,
            io.scopeenforcer.token.TokenCacheStats tokenCache, Enforcer.DecisionCacheStats decisionCache,
            List<KeySetStatus> keySets) {
    }

    /** Builds a filter in code; each setting once. */
    public static final class Builder {
        private final FilterSettings.Builder settings = FilterSettings.newBuilder();

        private Builder() {
        }

        /** The decision engine (required). */
        public Builder enforcer(Enforcer enforcer) {
            settings.enforcer(Objects.requireNonNull(enforcer, "enforcer"));
            return this;
        }

        /** Enforcing (default) or permissive. */
        public Builder mode(Mode mode) {
            settings.mode(Objects.requireNonNull(mode, "mode"));
            return this;
        }

        /**
         * The {@code realm} of the {@code WWW-Authenticate} challenge (RFC 6750 §3), default {@code api}; not the
         * identity realm a token is bound to.
         */
        public Builder challengeRealm(String realm) {
            settings.challengeRealm(Objects.requireNonNull(realm, "challengeRealm"));
            return this;
        }

        /**
         * Serves RFC 9728 metadata for this resource identifier (e.g. {@code https://api.example.com}) and names
         * it in challenges as {@code resource_metadata}.
         *
         * @param authorizationServers the issuers listed as {@code authorization_servers}
         */
        public Builder resourceMetadata(String resourceIdentifier, String... authorizationServers) {
            settings.resourceMetadata(Objects.requireNonNull(resourceIdentifier, "resourceIdentifier"));
            settings.issuers(List.of(authorizationServers));
            return this;
        }

        /**
         * Whether {@code init()} fetches the trusted issuers' keys; default {@link KeyPrefetch#OFF}.
         */
        public Builder keyPrefetch(KeyPrefetch prefetch) {
            settings.keyPrefetch(Objects.requireNonNull(prefetch, "keyPrefetch"));
            return this;
        }

        /**
         * A Micrometer {@code io.micrometer.core.instrument.MeterRegistry} to register the filter's meters in (see
         * README, "Operating it"). Typed {@code Object} so that the filter links without Micrometer, an optional
         * dependency; without this, {@code init()} looks for the ServletContext attribute
         * {@value ScopeEnforcementFilter#METER_REGISTRY_ATTRIBUTE}.
         *
         * @throws IllegalArgumentException at {@link #build()} when Micrometer is not on the class path or this is
         *     not a {@code MeterRegistry}
         */
        public Builder meterRegistry(Object registry) {
            settings.meterRegistry(Objects.requireNonNull(registry, "meterRegistry"));
            return this;
        }

        /**
         * Behind a TLS-terminating proxy: the request header the proxy puts the client certificate in, for
         * certificate-bound tokens (RFC 8705 §3): RFC 9440 {@code Client-Cert} ({@code :base64 DER:}) or a
         * URL-encoded PEM (nginx {@code $ssl_client_escaped_cert}). The proxy must remove the header from what
         * clients send. Without it only the container's TLS client certificate counts.
         */
        public Builder clientCertificateHeader(String headerName) {
            settings.clientCertificateHeader(Objects.requireNonNull(headerName, "clientCertificateHeader"));
            return this;
        }

        /**
         * The filter.
         *
         * @throws IllegalStateException when the enforcer is missing
         * @throws IllegalArgumentException when the meter registry is not a Micrometer {@code MeterRegistry}
         */
        public ScopeEnforcementFilter build() {
            FilterSettings built = settings.build();
            ScopeEnforcementFilter filter = new ScopeEnforcementFilter(built);
            if (built.meterRegistry() != null) {
                filter.metrics = FilterMetrics.forRegistry(built.meterRegistry(), filter);
            }
            return filter;
        }
    }
}
