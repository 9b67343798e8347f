package io.scopeenforcer.servlet;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.params.ParameterInfo;

/**
 * What the servlet tests share, as a JUnit 5 extension: before all tests of the class, a {@link JwksServer}
 * serving the issuer's public keys, a temporary directory for policy and key files, and one {@link FilterServer}
 * per {@linkplain #deploy(String) declared context path} with the {@linkplain #params() typical init-params};
 * after all, everything stopped and the directory deleted. A test method may declare a {@link FilterServer}
 * (when one context is deployed) or {@link JwksServer} parameter to receive it.
 *
 * <pre>{@code
 * private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
 * @RegisterExtension
 * static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");
 * }</pre>
 *
 * <p>The container is Jetty 12 unless {@link #on(FilterContainer)} names another. In a class annotated
 * {@link OnEachContainer}, the contexts are deployed on every container of {@link FilterContainer#all()}
 * (once per class, not per invocation), and a {@link FilterServer} parameter receives the one on the container of
 * the current invocation.
 */
final class FilterHarness implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final TestIssuer idp;
    private final List<String> contextPaths = new ArrayList<>();
    private FilterContainer container = JettyContainer.INSTANCE;

    private ExtensionContext owner;
    private JwksServer jwks;
    private Path dir;
    /** Per container, per context path. */
    private final Map<FilterContainer, Map<String, FilterServer>> deployed = new LinkedHashMap<>();
    /** Servers a test started through {@link #start}: closed after all, should the test not have. */
    private final List<FilterServer> started = new ArrayList<>();

    private FilterHarness(TestIssuer idp) {
        this.idp = Objects.requireNonNull(idp, "idp");
    }

    /** A harness whose JWKS endpoint serves {@code idp}'s public keys; no web app until {@link #deploy}. */
    static FilterHarness forIssuer(TestIssuer idp) {
        return new FilterHarness(idp);
    }

    /** Deploys a web app at this context path ({@code /} or e.g. {@code /app}) before all tests. */
    FilterHarness deploy(String contextPath) {
        contextPaths.add(Objects.requireNonNull(contextPath, "contextPath"));
        return this;
    }

    /** Runs the web apps on this container instead of Jetty 12 (in a class not annotated {@link OnEachContainer}). */
    FilterHarness on(FilterContainer other) {
        this.container = Objects.requireNonNull(other, "container");
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (owner != null) {
            return; // a @Nested class: the enclosing class's servers serve it too
        }
        owner = context;
        dir = Files.createTempDirectory("filter-harness");
        jwks = JwksServer.start(idp.publicJwkSet());
        List<FilterContainer> containers = context.getRequiredTestClass().isAnnotationPresent(OnEachContainer.class)
                ? FilterContainer.all().toList() : List.of(container);
        for (FilterContainer each : containers) {
            Map<String, FilterServer> servers = new LinkedHashMap<>();
            deployed.put(each, servers);
            for (String contextPath : contextPaths) {
                servers.put(contextPath, FilterServer.start(each,
                        new FilterContainer.Deployment(contextPath, params(), Map.of())));
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (context != owner) {
            return;
        }
        owner = null;
        try {
            Stream.concat(started.stream(), deployed.values().stream().flatMap(m -> m.values().stream()))
                    .forEach(FilterServer::close);
            if (jwks != null) {
                jwks.close();
            }
        } finally {
            started.clear();
            deployed.clear();
            jwks = null;
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The web app deployed at the only declared context path, on the harness's only container. */
    FilterServer server() {
        return server(onlyContainer());
    }

    /** The web app deployed at the only declared context path on this container. */
    FilterServer server(FilterContainer on) {
        Map<String, FilterServer> servers = servers(on);
        if (servers.size() != 1) {
            throw new IllegalStateException("server() needs exactly one deployed context, not " + servers.keySet());
        }
        return servers.values().iterator().next();
    }

    /** The web app deployed at this context path, on the harness's only container. */
    FilterServer server(String contextPath) {
        return server(onlyContainer(), contextPath);
    }

    /** The web app deployed at this context path on this container. */
    FilterServer server(FilterContainer on, String contextPath) {
        FilterServer server = servers(on).get(contextPath);
        if (server == null) {
            throw new IllegalStateException("no web app deployed at " + contextPath + ": " + servers(on).keySet());
        }
        return server;
    }

    private Map<String, FilterServer> servers(FilterContainer on) {
        Map<String, FilterServer> servers = deployed.get(on);
        if (servers == null) {
            throw new IllegalStateException("nothing deployed on " + on + ": " + deployed.keySet());
        }
        return servers;
    }

    private FilterContainer onlyContainer() {
        if (deployed.size() != 1) {
            throw new IllegalStateException("name the container: web apps run on " + deployed.keySet());
        }
        return deployed.keySet().iterator().next();
    }

    /** The JWKS endpoint the typical params point at. */
    JwksServer jwks() {
        return Objects.requireNonNull(jwks, "the harness has not started");
    }

    /** The temporary directory, deleted after all tests. */
    Path dir() {
        return Objects.requireNonNull(dir, "the harness has not started");
    }

    /** The container the web apps run on, when the class is not annotated {@link OnEachContainer}. */
    FilterContainer container() {
        return container;
    }

    /**
     * The init-params of a typical deployment ({@link FilterServer#params}) against this harness's issuer, JWKS
     * endpoint and directory. A fresh, mutable map on every call.
     */
    Map<String, String> params() {
        return FilterServer.params(idp, jwks(), dir());
    }

    /** Starts another web app on the harness's container; closed after all tests if the test did not. */
    FilterServer start(String contextPath, Map<String, String> initParams) {
        return start(container, contextPath, initParams, Map.of());
    }

    /** Starts another web app with context params too; closed after all tests if the test did not. */
    FilterServer start(String contextPath, Map<String, String> initParams, Map<String, String> contextParams) {
        return start(container, contextPath, initParams, contextParams);
    }

    /** Starts another web app on this container; closed after all tests if the test did not. */
    FilterServer start(FilterContainer on, String contextPath, Map<String, String> initParams) {
        return start(on, contextPath, initParams, Map.of());
    }

    /** Starts another web app on this container with context params too; closed after all if the test did not. */
    FilterServer start(FilterContainer on, String contextPath, Map<String, String> initParams,
            Map<String, String> contextParams) {
        FilterServer server = FilterServer.start(on,
                new FilterContainer.Deployment(contextPath, initParams, contextParams));
        synchronized (started) {
            started.add(server);
        }
        return server;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == FilterServer.class || type == JwksServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            return type == FilterServer.class ? server(currentContainer(context)) : jwks();
        } catch (IllegalStateException | NullPointerException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /**
     * The container of the current {@link OnEachContainer} invocation: the argument of the closest class-level
     * {@link ParameterInfo} (a {@code @ParameterizedTest} method has its own, nearer one), else the only one.
     */
    private FilterContainer currentContainer(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestMethod().isPresent() || c.get().getTestClass().isEmpty()) {
                continue;
            }
            ParameterInfo info = ParameterInfo.get(c.get());
            if (info != null && info.getArguments().size() > 0
                    && info.getArguments().get(0) instanceof FilterContainer invocation) {
                return invocation;
            }
        }
        return onlyContainer();
    }
}
