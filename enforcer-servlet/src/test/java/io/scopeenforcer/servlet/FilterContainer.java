package io.scopeenforcer.servlet;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A servlet container that can run the filter as a web app declares it: {@link ScopeEnforcementFilter} registered
 * by class name for {@code /*} with init-params (as {@code <filter>} in {@code web.xml} does), context params
 * (as {@code <context-param>}), and {@link FilterServer.EchoServlet} behind it. {@link JettyContainer} is Jetty 12
 * (ee10); another container (Tomcat 11, say) is another implementation, and every test that goes through
 * {@link FilterServer} or {@link FilterHarness} runs on it unchanged.
 */
interface FilterContainer {

    /** What to deploy: the context path ({@code /} or e.g. {@code /app}), filter init-params, context params. */
    record Deployment(String contextPath, Map<String, String> initParams, Map<String, String> contextParams) {
        public Deployment {
            Objects.requireNonNull(contextPath, "contextPath");
            if (!contextPath.equals("/") && (!contextPath.startsWith("/") || contextPath.endsWith("/"))) {
                throw new IllegalArgumentException("a context path is / or /name: " + contextPath);
            }
            initParams = Map.copyOf(initParams);
            contextParams = Map.copyOf(contextParams);
        }
    }

    /** One started web app. Closing it stops the container; closing twice is harmless. */
    interface Running extends AutoCloseable {

        /** Where the context is served: {@code http://127.0.0.1:<port>}, then the context path ("" for root). */
        URI baseUri();

        /** The filter instance the container made and initialized. */
        ScopeEnforcementFilter filter();

        @Override
        void close();
    }

    /** A short name for messages, e.g. {@code jetty-12}. */
    String name();

    /**
     * Starts a container on a random loopback port with this deployment and waits until it serves.
     *
     * @throws IllegalStateException if it does not start (for instance, the filter's {@code init()} failed)
     */
    Running start(Deployment deployment);
}
