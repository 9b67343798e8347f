package io.scopeenforcer.example.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the registry of {@link MetricsRegistryListener} in the Prometheus text format (version
 * 0.0.4). Public in the demo's policy; a production API protects it (a scope for the scraper, or a port of its own
 * that only the monitoring network reaches): the counters tell an attacker what is refused and how often.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The Prometheus text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The scrape; 404 when no Prometheus registry is set up. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object registry = getServletContext().getAttribute(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE);
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            Http.writeProblem(response, Http.notFound("no metrics registry"));
            return;
        }
        byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
