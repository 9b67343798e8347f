package io.scopeenforcer.servlet;

import io.scopeenforcer.token.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request as the filter passes it on: the parameters {@code access_token} and {@code _method} are hidden,
 * and, when a token was verified, its identity is exposed (principal and remote user = subject, auth type
 * {@code Bearer}, granted scopes as roles).
 *
 * <p>Why hide rather than refuse: the filter never reads the request body (a form body is the application's
 * to read, and parsing it here turned bad charsets and malformed forms into container errors). The query
 * string was already checked raw, so any {@code access_token} or {@code _method} the container's parameter
 * parsing finds later comes from the body. Hidden, a body {@code access_token} can never become a credential
 * (RFC 6750 §2.2 is not supported), and a body {@code _method} can never become a method override in a filter
 * further down the chain (Spring's {@code HiddenHttpMethodFilter} reads {@code getParameter("_method")}). The
 * body itself reaches the application untouched through {@link #getInputStream()} and {@link #getReader()}.
 */
final class EnforcedRequest extends HttpServletRequestWrapper {

    /** Parameter names never shown to the application. */
    private static final List<String> HIDDEN = List.of("access_token", "_method");

    private final VerifiedToken token;
    private Map<String, String[]> visible;

    /**
     * @param token the verified token, or null when the request was allowed without one (a public route) or
     *     passed in permissive mode
     */
    EnforcedRequest(HttpServletRequest request, VerifiedToken token) {
        super(request);
        this.token = token;
        if (token != null) {
            request.setAttribute(ScopeEnforcementFilter.TOKEN_ATTRIBUTE, token);
        }
    }

    @Override
    public String getParameter(String name) {
        return HIDDEN.contains(name) ? null : super.getParameter(name);
    }

    @Override
    public String[] getParameterValues(String name) {
        return HIDDEN.contains(name) ? null : super.getParameterValues(name);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> map = visible;
        if (map == null) {
            Map<String, String[]> all = super.getParameterMap();
            if (HIDDEN.stream().noneMatch(all::containsKey)) {
                map = all;
            } else {
                Map<String, String[]> copy = new LinkedHashMap<>(all);
                HIDDEN.forEach(copy::remove);
                map = Collections.unmodifiableMap(copy);
            }
            visible = map;
        }
        return map;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    @Override
    public Principal getUserPrincipal() {
        if (token == null) {
            return super.getUserPrincipal();
        }
        String name = token.subject();
        return () -> name;
    }

    @Override
    public String getRemoteUser() {
        return token == null ? super.getRemoteUser() : token.subject();
    }

    /** True for a scope the token was granted, compared exactly (no hierarchy). */
    @Override
    public boolean isUserInRole(String role) {
        return token == null ? super.isUserInRole(role) : role != null && token.scopes().contains(role);
    }

    @Override
    public String getAuthType() {
        return token == null ? super.getAuthType() : "Bearer";
    }
}
