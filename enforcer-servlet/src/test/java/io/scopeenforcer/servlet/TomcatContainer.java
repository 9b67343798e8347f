package io.scopeenforcer.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.ApplicationFilterConfig;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * {@link FilterContainer} on a real embedded Tomcat 11: {@link Tomcat#addWebapp(String, String)} on a directory
 * holding the generated {@code WEB-INF/web.xml}, which Tomcat's {@code ContextConfig} parses (after its default
 * servlet and MIME mappings, as for any deployed war), one NIO connector on a random loopback port.
 *
 * <p>Configured as README ("Tomcat") tells Tomcat users: the {@code ErrorReportValve} with {@code showReport=false}
 * and {@code showServerInfo=false} (no stack trace, no version on the container's own error pages), and
 * {@code continueResponseTiming=onRead} (no {@code 100 Continue} before the filter has decided, RFC 9110 §10.1.1).
 */
final class TomcatContainer implements FilterContainer {

    /** The one instance: the container holds no state between deployments. */
    static final TomcatContainer INSTANCE = new TomcatContainer();

    private TomcatContainer() {
    }

    @Override
    public String name() {
        return "tomcat-11";
    }

    /** The name: what the class template's invocations are called. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public List<String> internalNames() {
        return List.of("org.apache", "Apache Tomcat");
    }

    @Override
    public Running start(Deployment deployment) {
        Path base;
        try {
            base = Files.createTempDirectory("tomcat-webapp");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.resolve("base").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "16");
        connector.setProperty("minSpareThreads", "2");
        connector.setProperty("continueResponseTiming", "onRead");
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        // As <Valve className="org.apache.catalina.valves.ErrorReportValve" showReport="false" showServerInfo="false"/>
        // in server.xml's <Host>: the host adds its own only when none is configured.
        ErrorReportValve errors = new ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);

        String path = deployment.contextPath().equals("/") ? "" : deployment.contextPath();
        Context context = tomcat.addWebapp(path, WebXml.writeWebApp(base.resolve("webapp"), deployment).toString());
        context.setParentClassLoader(TomcatContainer.class.getClassLoader());
        // No TLD, fragment or manifest scan of the test class path: web.xml is metadata-complete and the scan is
        // seconds of start-up per context.
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            stop(tomcat, base);
            throw new IllegalStateException("Tomcat did not start", e);
        }
        // A context whose filter failed init() does not start, but Tomcat itself does (and answers 404): the
        // contract is to fail here, as Jetty does.
        if (context.getState() != LifecycleState.STARTED) {
            stop(tomcat, base);
            throw new IllegalStateException("Tomcat did not start the web app: " + context.getState());
        }
        URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
        return new TomcatApp(tomcat, context, base, uri, new AtomicBoolean());
    }

    private static void stop(Tomcat tomcat, Path base) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        } finally {
            WebXml.deleteRecursively(base);
        }
    }

    private record TomcatApp(Tomcat tomcat, Context context, Path base, URI baseUri, AtomicBoolean closed)
            implements Running {

        /**
         * The instance Tomcat made. Tomcat has no public accessor for it (ApplicationFilterConfig.getFilter() is
         * package-private), so the test reads it reflectively; the tests run on the class path.
         */
        @Override
        public ScopeEnforcementFilter filter() {
            try {
                Object config = ((StandardContext) context).findFilterConfig(WebXml.FILTER_NAME);
                Method getFilter = ApplicationFilterConfig.class.getDeclaredMethod("getFilter");
                getFilter.setAccessible(true);
                return (ScopeEnforcementFilter) getFilter.invoke(config);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                stop(tomcat, base);
            }
        }
    }
}
