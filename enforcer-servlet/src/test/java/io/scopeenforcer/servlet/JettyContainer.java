package io.scopeenforcer.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link FilterContainer} on a real Jetty 12 (ee10): a {@link WebAppContext} that parses the generated
 * {@code WEB-INF/web.xml} (after Jetty's own {@code webdefault-ee10.xml}, as for any deployed war), on a random
 * loopback port.
 */
final class JettyContainer implements FilterContainer {

    /** The one instance: the container holds no state between deployments. */
    static final JettyContainer INSTANCE = new JettyContainer();

    private JettyContainer() {
    }

    @Override
    public String name() {
        return "jetty-12";
    }

    /** The name: what the class template's invocations are called. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public List<String> internalNames() {
        return List.of("org.eclipse.jetty");
    }

    @Override
    public Running start(Deployment deployment) {
        Path base;
        try {
            base = Files.createTempDirectory("jetty-webapp");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("filter-server");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(deployment.contextPath());
        webapp.setBaseResourceAsPath(WebXml.writeWebApp(base.resolve("webapp"), deployment));
        webapp.setTempDirectory(base.resolve("work").toFile());
        // The filter and servlet classes are the test's own (no WEB-INF/classes): the same Class objects, so that
        // filter() can hand out the instance Jetty made.
        webapp.setParentLoaderPriority(true);
        // A war whose filter fails init() must not start serving 503s: fail start(), as the contract says.
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            stop(server, base);
            throw new IllegalStateException("Jetty did not start", e);
        }
        String path = deployment.contextPath().equals("/") ? "" : deployment.contextPath();
        URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
        return new JettyApp(server, webapp, base, uri, new AtomicBoolean());
    }

    private static void stop(Server server, Path base) {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        } finally {
            WebXml.deleteRecursively(base);
        }
    }

    private record JettyApp(Server server, WebAppContext webapp, Path base, URI baseUri, AtomicBoolean closed)
            implements Running {

        @Override
        public ScopeEnforcementFilter filter() {
            FilterHolder holder = webapp.getServletHandler().getFilter(WebXml.FILTER_NAME);
            try {
                return (ScopeEnforcementFilter) holder.getFilter();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                stop(server, base);
            }
        }
    }
}
