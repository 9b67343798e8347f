package io.scopeenforcer.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real Jetty 12 web app for the operations tests, which need what {@link FilterContainer} does not give: context
 * attributes set before the filter starts (the meter registry) and the {@link jakarta.servlet.ServletContext}
 * afterwards (the filter's own attribute). The filter is declared by class name with init-params, as web.xml does,
 * or given as a built instance; an {@link FilterServer.EchoServlet} answers behind it.
 */
final class OpsServer implements AutoCloseable {

    static final String FILTER_NAME = "scope-enforcer";

    private final Server server;
    private final ServletContextHandler context;
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private OpsServer(FilterHolder holder, Map<String, Object> attributes) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setDaemon(true);
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        context = new ServletContextHandler("/");
        attributes.forEach(context::setAttribute);
        holder.setName(FILTER_NAME);
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FilterServer.EchoServlet()), "/*");
        server.setHandler(context);
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** The filter by class name with these init-params, and these context attributes set before it starts. */
    static OpsServer byClassName(Map<String, String> initParams, Map<String, Object> attributes) {
        FilterHolder holder = new FilterHolder(ScopeEnforcementFilter.class);
        holder.setInitParameters(initParams);
        return new OpsServer(holder, attributes);
    }

    /** A filter built in code. */
    static OpsServer of(Filter filter) {
        return new OpsServer(new FilterHolder(filter), Map.of());
    }

    /** A context attribute, as the web app sees it. */
    Object attribute(String name) {
        return context.getServletContext().getAttribute(name);
    }

    /** {@code GET} of a path, headers alternating name and value. */
    FilterServer.Reply get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, java.util.List<String>> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.putAll(r.headers().map());
            return new FilterServer.Reply(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
