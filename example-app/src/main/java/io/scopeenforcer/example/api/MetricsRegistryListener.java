package io.scopeenforcer.example.api;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Creates the app's Micrometer registry (Prometheus) and publishes it as the ServletContext attribute
 * {@value ScopeEnforcementFilter#METER_REGISTRY_ATTRIBUTE}, where the filter looks for one in its {@code init()}:
 * listeners run before filters start (Jakarta Servlet 6.0 §11.3.2), so web.xml alone wires the filter's metrics.
 * {@link MetricsServlet} scrapes it.
 */
public final class MetricsRegistryListener implements ServletContextListener {

    /** Makes the registry and sets the attribute. */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Closes the registry. */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object registry = event.getServletContext().getAttribute(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE);
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            prometheus.close();
        }
        event.getServletContext().removeAttribute(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE);
    }
}
