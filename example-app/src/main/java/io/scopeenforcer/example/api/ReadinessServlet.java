package io.scopeenforcer.example.api;

import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.KeySetStatus;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health/ready}: ready when every trusted issuer's keys are loaded, so a load balancer sends no traffic
 * that could only get 503s. 200 {@code {"status":"UP","issuers":[...]}}, else 503 {@code application/problem+json}
 * naming the first issuer that is not ready and why. Each probe asks the filter to fetch missing keys
 * ({@link ScopeEnforcementFilter#checkKeys()}: rate-limited like any refetch), so the answer turns to 200 as soon
 * as the issuer's JWKS answers. The filter is found through the ServletContext attribute it publishes in
 * {@code init()}, named after its {@code <filter-name>} (init-param {@code filter-name}, default
 * {@code scope-enforcer}). {@code GET /health} stays the liveness check.
 */
public final class ReadinessServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The checks, and the answer. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String filterName = getInitParameter("filter-name") == null ? "scope-enforcer" : getInitParameter("filter-name");
        Object filter = getServletContext().getAttribute(ScopeEnforcementFilter.CONTEXT_ATTRIBUTE_PREFIX + filterName);
        if (!(filter instanceof ScopeEnforcementFilter enforcer)) {
            unavailable(response, "the " + filterName + " filter is not running", null);
            return;
        }
        List<KeySetStatus> statuses = enforcer.checkKeys();
        List<Map<String, Object>> issuers = new ArrayList<>();
        for (KeySetStatus status : statuses) {
            if (!status.loaded()) {
                unavailable(response, "the keys of issuer " + status.issuer() + " are not loaded"
                        + (status.lastError() == null ? "" : ": " + status.lastError()), status.issuer());
                return;
            }
            Map<String, Object> issuer = new LinkedHashMap<>();
            issuer.put("issuer", status.issuer());
            issuer.put("keys", status.keyCount());
            issuer.put("last_fetch", String.valueOf(status.lastSuccess()));
            issuers.add(issuer);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("issuers", issuers);
        response.setHeader("Cache-Control", "no-store");
        Http.writeJson(response, 200, body);
    }

    private static void unavailable(HttpServletResponse response, String detail, String issuer) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Service Unavailable");
        body.put("status", 503);
        body.put("detail", detail);
        if (issuer != null) {
            body.put("issuer", issuer);
        }
        response.setHeader("Cache-Control", "no-store");
        Http.writeProblemBody(response, 503, body);
    }
}
