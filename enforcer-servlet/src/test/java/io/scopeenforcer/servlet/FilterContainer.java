package io.scopeenforcer.servlet;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A servlet container that runs the filter as a web app declares it: a {@code WEB-INF/web.xml} ({@link WebXml}) that
 * the container itself parses, with {@link ScopeEnforcementFilter} registered by class name for {@code /*} with
 * {@code <init-param>}s, the {@code <context-param>}s, and {@link FilterServer.EchoServlet} behind it.
 * {@link JettyContainer} is Jetty 12 (ee10), {@link TomcatContainer} Tomcat 11; every test that goes through
 * {@link FilterServer} or {@link FilterHarness} runs on either unchanged.
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

    /** Every container the {@link OnEachContainer} classes run on, in this order. */
    static Stream<FilterContainer> all() {
        return Stream.of(JettyContainer.INSTANCE, TomcatContainer.INSTANCE);
    }

    /** A short name for messages, e.g. {@code jetty-12}. */
    String name();

    /**
     * Text that would give the container's internals away (its packages, its name and version): never in any
     * answer, the container's own refusals included.
     */
    List<String> internalNames();

    /**
     * Starts a container on a random loopback port with this deployment and waits until it serves.
     *
     * @throws IllegalStateException if it does not start (for instance, the filter's {@code init()} failed)
     */
    Running start(Deployment deployment);
}
