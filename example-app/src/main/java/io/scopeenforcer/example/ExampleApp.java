package io.scopeenforcer.example;

import io.scopeenforcer.servlet.ConfigurationException;
import io.scopeenforcer.servlet.FilterParameter;
import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.DevIssuer;
import io.scopeenforcer.example.issuer.IntrospectionEndpoint;
import io.scopeenforcer.example.issuer.IssuerMetadataServlet;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import io.scopeenforcer.negotiation.ClientRegistration;
import io.scopeenforcer.negotiation.Negotiator;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The example app: an embedded Jetty 12 (ee10) server running the web app in {@code WEB-INF/web.xml}, which
 * registers {@code ScopeEnforcementFilter} for {@code /*} with its policy in {@code WEB-INF/policy.txt}, plus
 * the demo APIs and, unless {@code --issuer} is given, a development token issuer.
 *
 * <pre>
 *   java -jar example-app/target/example-app.jar [--port=8080] [--mode=permissive] ...
 * </pre>
 *
 * <p>The web app travels in the jar as class-path resources under {@code webapp/}; Jetty serves it from there
 * as it would serve an unpacked war. The start-up parameters (the development issuer's, and every
 * {@code --name=value} filter flag) become the filter's init-params, which beat web.xml's context-params (see
 * {@link LauncherSettings}). Every error the container produces is answered as problem+json
 * ({@link ProblemErrorHandler}). With {@code --tls} it serves HTTPS only, with certificates made at start-up
 * ({@link DemoTls}).
 */
public final class ExampleApp {

    /** Exit status for a bad command line or configuration. */
    static final int EXIT_USAGE = 2;
    /** Exit status when the server cannot start for another reason, such as a port in use. */
    static final int EXIT_FAILURE = 1;

    private ExampleApp() {
    }

    /**
     * Starts the app, prints where it listens and how to try it, and runs until Ctrl-C or SIGTERM.
     * Exits with status 2 and a one-line message for a bad flag or value. {@code dpop-proof ...} instead prints a
     * DPoP proof and exits ({@link DpopProofCommand}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(DpopProofCommand.NAME)) {
            // A helper for the README's curl demo: prints a DPoP proof and exits; no server.
            System.exit(DpopProofCommand.run(List.of(args).subList(1, args.length)));
            return;
        }
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        // One line per log record: the filter logs through System.Logger, which defaults to java.util.logging.
        System.setProperty("java.util.logging.SimpleFormatter.format",
                System.getProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n"));
        Running app;
        try {
            app = start(args);
        } catch (IllegalArgumentException e) {
            System.err.println("example-app: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        } catch (RuntimeException e) {
            System.err.println("example-app: cannot start: " + e.getMessage());
            System.exit(EXIT_FAILURE);
            return;
        }
        System.out.println(app.banner());
        app.join();
    }

    /**
     * Starts the app in this JVM; tests use {@code --port=0}. The server stops on {@link Running#close()}, or at JVM
     * shutdown (Ctrl-C, SIGTERM), which runs the same close in one shutdown hook.
     *
     * @param args the command line, {@code --name=value} only
     * @return the running app
     * @throws IllegalArgumentException with a one-line message for a bad flag or a filter parameter the filter
     *     refuses
     * @throws IllegalStateException when the server cannot start for another reason (port in use...)
     */
    public static Running start(String... args) {
        Options options = Options.parse(List.of(args));
        Server server = new Server();
        // Before any context: a request line or header the parser refuses gets problem+json, not HTML.
        server.setErrorHandler(new ProblemErrorHandler.ForServer());
        // No setStopAtShutdown(true): Jetty's hook would stop the server in parallel with the hook that deletes the
        // --tls files; the app's one hook (Running) stops the server first, then deletes, then lets go of the jar.
        HttpConfiguration http = new HttpConfiguration();
        // No "Server: Jetty(12.x.y)": a version in every answer only helps whoever looks for a known bug.
        http.setSendServerVersion(false);
        DemoTls tls = options.tls() ? DemoTls.create() : null;
        ServerConnector connector;
        if (tls != null) {
            // isSecure(), the https scheme and the client certificate (jakarta.servlet.request.X509Certificate).
            http.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, new SslConnectionFactory(tls.sslContextFactory(), "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);
        try {
            // Bound now, not at server.start(): with --port=0 the development issuer's URL needs the real port.
            connector.open();
        } catch (IOException e) {
            if (tls != null) {
                tls.delete();
            }
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        int port = connector.getLocalPort();
        String base = (tls != null ? "https" : "http") + "://localhost:" + port;

        DevIssuer devIssuer = options.devIssuer() ? new DevIssuer(base, options.tokenTtl(), Clock.systemUTC(),
                tls == null ? null : tls.clientThumbprint()) : null;
        Map<String, String> parameters = new LinkedHashMap<>();
        if (devIssuer != null) {
            parameters.put("issuer", base);
            parameters.put("audience", Negotiator.ACCOUNT_AUDIENCE + "," + base);
            parameters.put("resource-metadata", base);
            if (tls == null) {
                parameters.put("jwks-uri", base + IssuerMetadataServlet.JWKS_PATH);
                // legacy-reader's opaque tokens are checked at the development issuer's RFC 7662 endpoint.
                parameters.put("introspection-endpoint", base + IntrospectionEndpoint.PATH);
                parameters.put("introspection-client-id", DemoClients.INTROSPECTION_CLIENT);
                parameters.put("introspection-client-secret", DemoClients.secretOf(DemoClients.INTROSPECTION_CLIENT));
            } else {
                // The JVM does not trust the demo certificate, so the filter makes no https call to this app: it
                // reads the keys from a file, and without introspection legacy-reader's opaque tokens are refused.
                parameters.put("jwks-file", tls.writeIssuerKeys(devIssuer.jwksJson()).toString());
            }
            // The development issuer binds tokens to DPoP keys (RFC 9449), so the API checks proofs for its URL.
            parameters.put("dpop-origin", base);
        }
        parameters.putAll(options.filterParameters());
        if (devIssuer == null && !parameters.containsKey("resource-metadata")) {
            // RFC 9728 whatever the issuer: this API's identifier is its first audience when that is a URL.
            String resource = firstUrlAudience(parameters.containsKey("issuers")
                    ? firstAudienceInFile(parameters.get("issuers")) : parameters.get("audience"));
            if (resource != null) {
                parameters.put("resource-metadata", resource);
            }
        }

        // Not ResourceFactory.of(webapp): that factory closes with the web app's stop, and in the fat jar closing it
        // closes the jar's zip file system before WebInfConfiguration.deconfigure reads the base resource again: a
        // ClosedFileSystemException cut every stop short (Jetty issue 13592). This one is closed after the stop.
        ResourceFactory.Closeable resources = ResourceFactory.closeable();
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        // Runs after web.xml is read and before the filter's init: the standard place for start-up settings.
        webapp.addServletContainerInitializer(new LauncherSettings(parameters, devIssuer));
        webapp.setErrorHandler(new ProblemErrorHandler.ForContext());
        webapp.setBaseResource(resources.newResource(webAppBase()));
        // WEB-INF has no classes or lib: the app's classes come from the class path, like the server's.
        webapp.setParentLoaderPriority(true);
        // Fail start() when the filter refuses its configuration, instead of serving 503 for ever.
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            resources.close();
            if (tls != null) {
                tls.delete();
            }
            String configuration = configurationProblem(e);
            if (configuration != null) {
                throw new IllegalArgumentException(configuration, e);
            }
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        jakarta.servlet.FilterRegistration filter = webapp.getServletContext()
                .getFilterRegistration(LauncherSettings.FILTER_NAME);
        // What the filter read in the end, in its own order: its init-params (the launcher's), then the
        // context params (web.xml's).
        Map<String, String> effective = new LinkedHashMap<>();
        for (FilterParameter parameter : FilterParameter.values()) {
            for (String name : parameter.spellings()) {
                String value = filter.getInitParameter(name);
                if (value == null) {
                    value = webapp.getServletContext().getInitParameter(FilterParameter.PREFIX + name);
                }
                if (value != null) {
                    effective.putIfAbsent(parameter.parameterName(), value);
                }
            }
        }
        Running running = new Running(server, base, options, devIssuer, tls, resources, effective,
                webapp.getServletContext());
        Runtime.getRuntime().addShutdownHook(running.shutdownHook);
        return running;
    }

    /**
     * The first of these comma-separated audiences when it is an absolute http(s) URL without query or fragment (an
     * RFC 9728 resource identifier, §1.2); null otherwise, and then no metadata is served unless asked for.
     */
    static String firstUrlAudience(String audiences) {
        if (audiences == null) {
            return null;
        }
        String first = audiences.split(",", -1)[0].strip();
        try {
            URI uri = new URI(first);
            boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
            return http && uri.getRawAuthority() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    ? first : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /**
     * The {@code audience} of the first issuer of an issuers file ({@code issuer.<name>.audience}), or null when the
     * file cannot be read here (the filter then reports it) or names none.
     */
    static String firstAudienceInFile(String file) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String first = null;
        for (String line : lines) {
            String text = line.strip();
            int equals = text.indexOf('=');
            if (text.startsWith("#") || equals < 0 || !text.startsWith("issuer.")) {
                continue;
            }
            String key = text.substring(0, equals).strip();
            int dot = key.indexOf('.', "issuer.".length());
            if (dot < 0) {
                continue;
            }
            String name = key.substring("issuer.".length(), dot);
            first = first == null ? name : first;
            if (name.equals(first) && key.substring(dot + 1).equals("audience")) {
                return text.substring(equals + 1).strip();
            }
        }
        return null;
    }

    /** {@code webapp/} on the class path: a directory in target/classes, a directory entry in the fat jar. */
    private static URL webAppBase() {
        URL webXml = ExampleApp.class.getResource("/webapp/WEB-INF/web.xml");
        if (webXml == null) {
            throw new IllegalStateException("webapp/WEB-INF/web.xml is not on the class path");
        }
        String text = webXml.toString();
        try {
            return URI.create(text.substring(0, text.length() - "WEB-INF/web.xml".length())).toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The filter's own message when it refused its parameters: its typed {@link ConfigurationException}
     * ({@code scope-enforcer: parameter mode: ...}), wherever the container wrapped it.
     */
    private static String configurationProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException) {
                return t.getMessage();
            }
            for (Throwable suppressed : t.getSuppressed()) {
                String inner = configurationProblem(suppressed);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Already failing: the start failure is the one to report.
        }
    }

    /** A running app. Closing it stops the server. */
    public static final class Running implements AutoCloseable {

        private final Server server;
        private final URI base;
        private final Options options;
        private final DevIssuer devIssuer;
        private final DemoTls tls;
        private final ResourceFactory.Closeable resources;
        private final Map<String, String> parameters;
        private final ServletContext context;
        /** Ctrl-C and SIGTERM: {@link #close()}, so the stop runs in one order however the app ends. */
        private final Thread shutdownHook = new Thread(this::close, "example-app-stop");
        private boolean closed;

        private Running(Server server, String base, Options options, DevIssuer devIssuer, DemoTls tls,
                        ResourceFactory.Closeable resources, Map<String, String> parameters, ServletContext context) {
            this.server = server;
            this.base = URI.create(base);
            this.options = options;
            this.devIssuer = devIssuer;
            this.tls = tls;
            this.resources = resources;
            this.parameters = Map.copyOf(parameters);
            this.context = context;
        }

        /** The port the app listens on. */
        public int port() {
            return base.getPort();
        }

        /**
         * {@code http://localhost:<port>} ({@code https} with {@code --tls}): the app's base URL, and the development
         * issuer's identifier.
         */
        public URI baseUri() {
            return base;
        }

        /**
         * With {@code --tls}, the directory of {@code server.pem} (the server's certificate, to trust),
         * {@code client.pem} and {@code client-key.pem} (the demo client certificate of {@code mtls-client} and its
         * key); null without. It is deleted when the app stops.
         */
        public java.nio.file.Path tlsDirectory() {
            return tls == null ? null : tls.directory();
        }

        /**
         * The filter instance Jetty made from {@code web.xml} and initialized, for tests and metrics: the
         * filter's {@link ScopeEnforcementFilter#stats() stats()} (decisions and cache sizes).
         *
         * @throws IllegalStateException after {@link #close()}, when Jetty has let go of the filter
         */
        public ScopeEnforcementFilter filter() {
            // The filter publishes itself under its filter-name in init() and withdraws in destroy(): no
            // container-specific unwrapping of Jetty's FilterHolder.
            Object instance = context.getAttribute(ScopeEnforcementFilter.CONTEXT_ATTRIBUTE_PREFIX
                    + LauncherSettings.FILTER_NAME);
            if (!(instance instanceof ScopeEnforcementFilter enforcer)) {
                throw new IllegalStateException("the app is stopped: no running " + LauncherSettings.FILTER_NAME
                        + " filter");
            }
            return enforcer;
        }

        /**
         * The web app's servlet context, for embedding: a caller that runs the app in its own JVM (the benchmarks'
         * Spring Security contender) reaches the container through it, for instance to put a filter of its own in
         * front of the app's. The app itself does not use it.
         */
        public ServletContext servletContext() {
            return context;
        }

        /** Blocks until the server stops. */
        public void join() {
            try {
                server.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Stops the server and waits for it, then deletes the {@code --tls} files and closes the web app's resources
         * (the fat jar's zip file system), in that order: nothing reads a file or the jar after it is gone. Runs once;
         * the JVM's shutdown hook calls it too, so a closed app leaves no hook behind.
         */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is exiting and the hook is running or about to: it finds this app closed.
                }
            }
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the server: " + e.getMessage(), e);
            } finally {
                if (tls != null) {
                    tls.delete();
                }
                resources.close();
            }
        }

        /** What {@code main} prints: where the app listens, the demo clients and a curl line to try. */
        String banner() {
            String base = baseUri().toString();
            StringBuilder b = new StringBuilder();
            b.append("Scope Enforcer example app on ").append(base);
            if (!options.host().equals(Options.DEFAULT_HOST)) {
                b.append(" (listening on ").append(options.host()).append(')');
            }
            b.append(" (filter: ").append(parameters.getOrDefault("mode", "enforcing")).append(" mode, policy ")
                    .append(parameters.get("policy")).append(")\n");
            if (devIssuer == null && parameters.containsKey("issuers")) {
                b.append("Trusting the issuers of ").append(parameters.get("issuers"))
                        .append(". The development issuer is off.\n");
                b.append("Ctrl-C stops it.");
                return b.toString();
            }
            if (devIssuer == null) {
                b.append("Trusting issuer ").append(parameters.get("issuer")).append(" (keys: ")
                        .append(parameters.getOrDefault("jwks-uri", parameters.getOrDefault("jwks-file",
                                "discovered from its metadata")))
                        .append("; audiences: ").append(parameters.get("audience"))
                        .append("). The development issuer is off.\n");
                b.append("Ctrl-C stops it.");
                return b.toString();
            }
            b.append("Development issuer ").append(base).append(": POST ").append(TokenEndpoint.PATH)
                    .append(", access tokens last ").append(devIssuer.accessTokenTtl().toSeconds()).append(" s.\n");
            b.append("Demo clients (secret: <client>-secret):\n");
            for (ClientRegistration client : DemoClients.ALL) {
                b.append(String.format("  %-17s %s", client.clientId(), client.allowedScopes().toSpaceDelimited()));
                client.tenant().ifPresent(t -> b.append("  [tenant ").append(t).append(", realm ")
                        .append(client.realm().orElse("-")).append(']'));
                if (client.refreshTokensAllowed()) {
                    b.append("  [refresh tokens]");
                }
                b.append('\n');
            }
            if (tls != null) {
                b.append(String.format("  %-17s %s", DemoClients.MTLS_CLIENT.clientId(),
                        DemoClients.MTLS_CLIENT.allowedScopes().toSpaceDelimited()))
                        .append("  [no secret: its TLS client certificate; tokens bound to it]\n");
                b.append("TLS files (deleted at stop): ").append(tls.directory()).append('\n');
                b.append("  ").append(DemoTls.SERVER_CERTIFICATE).append(" (--cacert), ")
                        .append(DemoTls.CLIENT_CERTIFICATE).append(" and ").append(DemoTls.CLIENT_KEY)
                        .append(" (--cert, --key: mtls-client)\n");
            }
            b.append("Try it:\n");
            String cacert = tls == null ? "" : "--cacert " + tls.directory().resolve(DemoTls.SERVER_CERTIFICATE) + " ";
            b.append("  TOKEN=$(curl -s ").append(cacert)
                    .append("-u paas-reader:paas-reader-secret -d grant_type=client_credentials ")
                    .append(base).append(TokenEndpoint.PATH)
                    .append(" | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n");
            b.append("  curl -i ").append(cacert).append("-H \"Authorization: Bearer $TOKEN\" ").append(base)
                    .append("/paas/analytics/reports\n");
            b.append("Ctrl-C stops it.");
            return b.toString();
        }
    }
}
