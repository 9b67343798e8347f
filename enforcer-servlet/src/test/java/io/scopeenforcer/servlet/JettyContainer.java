package io.scopeenforcer.servlet;

import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** {@link FilterContainer} on a real Jetty 12 (ee10): one {@link ServletContextHandler} on a random loopback port. */
final class JettyContainer implements FilterContainer {

    /** The one instance: the container holds no state between deployments. */
    static final JettyContainer INSTANCE = new JettyContainer();

    private JettyContainer() {
    }

    @Override
    public String name() {
        return "jetty-12";
    }

    @Override
    public Running start(Deployment deployment) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("filter-server");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(deployment.contextPath());
        deployment.contextParams().forEach(context::setInitParameter);
        // By class name and init-params, as <filter> in web.xml: the container calls the no-arg constructor and init().
        FilterHolder filterHolder = new FilterHolder(ScopeEnforcementFilter.class);
        filterHolder.setName("scope-enforcer");
        filterHolder.setInitParameters(deployment.initParams());
        context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FilterServer.EchoServlet()), "/*");
        server.setHandler(context);
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            stop(server);
            throw new IllegalStateException("Jetty did not start", e);
        }
        String path = deployment.contextPath().equals("/") ? "" : deployment.contextPath();
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
        return new JettyApp(server, filterHolder, base);
    }

    private static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    private record JettyApp(Server server, FilterHolder filterHolder, URI baseUri, AtomicBoolean closed)
            implements Running {

        JettyApp(Server server, FilterHolder filterHolder, URI baseUri) {
            this(server, filterHolder, baseUri, new AtomicBoolean());
        }

        @Override
        public ScopeEnforcementFilter filter() {
            try {
                return (ScopeEnforcementFilter) filterHolder.getFilter();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                stop(server);
            }
        }
    }
}
