package io.scopeenforcer.servlet;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.internal.EngineAccess;
import io.scopeenforcer.token.VerifiedToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

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

    private static final System.Logger LOG = System.getLogger(ScopeEnforcementFilter.class.getName());

    /** What the filter does with a denial. */
    public enum Mode {
        /** Deny: answer with the denial's status. The default. */
        ENFORCING,
        /** Log and count the would-be denial, then let the request through: for a safe roll-out only. */
        PERMISSIVE
    }

    private volatile FilterSettings settings;
    private final LongAdder allowed = new LongAdder();
    private final Map<Decision.Reason, LongAdder> denied = new EnumMap<>(Decision.Reason.class);
    private final LongAdder permitted = new LongAdder();

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
        if (settings != null) {
            return;
        }
        try {
            settings = FilterSettings.fromConfig(config);
        } catch (FilterSettings.BadParameter e) {
            throw new ConfigurationException(e.parameter(), e.reason(), e);
        }
        settings.policyWarnings().forEach(w -> LOG.log(Level.WARNING, "scope-enforcer policy: {0}", w));
        LOG.log(Level.INFO, "scope-enforcer: {0} mode, {1} rules", settings.mode(),
                EngineAccess.policy(settings.enforcer()).rules().size());
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
        Decision decision;
        if (problem != null) {
            decision = Decision.Deny.invalidRequest(problem);
        } else if (path == null) {
            decision = Decision.Deny.invalidRequest("the request path is outside the context path");
        } else {
            decision = s.enforcer().decide(authorization, request.getMethod(), path);
        }
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (decision instanceof Decision.Allow allow) {
            allowed.increment();
            chain.doFilter(new EnforcedRequest(request, allow.token()), response);
            return;
        }
        Decision.Deny deny = (Decision.Deny) decision;
        denied.get(deny.reason()).increment();
        audit(s, request, deny);
        if (s.mode() == Mode.PERMISSIVE) {
            permitted.increment();
            chain.doFilter(new EnforcedRequest(request, null), response);
            return;
        }
        s.responses().write(response, deny);
    }

    private static void audit(FilterSettings s, HttpServletRequest request, Decision.Deny deny) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        LOG.log(Level.INFO, "scope-enforcer {0}: {1} {2} status={3} reason={4} rule={5} detail={6}",
                s.mode() == Mode.PERMISSIVE ? "would deny" : "deny",
                UntrustedText.quote(request.getMethod()), UntrustedText.quote(request.getRequestURI()),
                deny.status(), deny.reason(), deny.rule() == null ? "none" : deny.rule().source(),
                "'" + UntrustedText.sanitize(deny.description()) + "'");
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
        return uri.startsWith(context) ? uri.substring(context.length()) : null;
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

    /** Counters since start: allowed, denied by reason, and denials let through in permissive mode. */
    public Stats stats() {
        Map<Decision.Reason, Long> byReason = new EnumMap<>(Decision.Reason.class);
        denied.forEach((reason, count) -> byReason.put(reason, count.sum()));
        FilterSettings s = settings;
        return new Stats(allowed.sum(), Map.copyOf(byReason), permitted.sum(),
                s == null ? null : s.enforcer().stats().tokenCache(),
                s == null ? null : s.enforcer().stats().decisionCache());
    }

    /** The engine, once initialized, else null; for this package's tests. */
    Enforcer enforcer() {
        FilterSettings s = settings;
        return s == null ? null : s.enforcer();
    }

    /** Nothing to release: caches are garbage collected with the filter. */
    @Override
    public void destroy() {
    }

    /**
     * Counters.
     *
     * @param allowed requests passed on
     * @param deniedByReason denials (or would-be denials in permissive mode) by reason
     * @param permissivePassed would-be denials let through in permissive mode
     * @param tokenCache the token cache's statistics
     * @param decisionCache the decision cache's statistics
     */
    public record Stats(long allowed, Map<Decision.Reason, Long> deniedByReason, long permissivePassed,
            io.scopeenforcer.token.TokenCacheStats tokenCache, Enforcer.DecisionCacheStats decisionCache) {
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

        /** The filter. @throws IllegalStateException when the enforcer is missing */
        public ScopeEnforcementFilter build() {
            return new ScopeEnforcementFilter(settings.build());
        }
    }
}
