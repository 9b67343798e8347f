package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: the filter must load, start and answer on a class path without it. The
 * test runs a web app in a class loader made from this test's class path minus every Micrometer jar (parent: the
 * platform loader, so nothing leaks in from the application loader), with a meter registry attribute that cannot
 * be one.
 */
class WithoutMicrometerTest {

    @Test
    void filterWhenMicrometerAbsentThenStartsAndAnswers() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int removed = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.replace('\\', '/').contains("/io/micrometer/")) {
                removed++;
                continue;
            }
            urls.add(url(Path.of(entry)));
        }
        assertTrue(removed > 0, "micrometer-core is on the test class path, and was taken out");
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, isolated));
            @SuppressWarnings("unchecked")
            Supplier<String> probe = (Supplier<String>) isolated.loadClass(Probe.class.getName())
                    .getDeclaredConstructor().newInstance();
            assertEquals("401 200 allowed=1 deniedMissingToken=1 published=true", probe.get());
        }
    }

    private static URL url(Path path) {
        try {
            return (Files.isDirectory(path) ? path.toUri() : path.toUri()).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs inside the isolated loader: a web app declared by class name, two requests, the filter's stats. */
    public static final class Probe implements Supplier<String> {
        @Override
        public String get() {
            TestIssuer idp = TestIssuer.create("https://idp.example.test");
            Path dir;
            try {
                dir = Files.createTempDirectory("no-micrometer");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            try (JwksServer jwks = JwksServer.start(idp.publicJwkSet());
                    OpsServer app = OpsServer.byClassName(FilterServer.params(idp, jwks, dir),
                            // Not a registry, and no Micrometer to check it against: logged, and no metrics.
                            Map.of(ScopeEnforcementFilter.METER_REGISTRY_ATTRIBUTE, "not a registry"))) {
                assertFalse(FilterMetrics.micrometerPresent());
                int denied = app.get("/paas/analytics/reports").status();
                int allowed = app.get("/paas/analytics/reports", "Authorization",
                        "Bearer " + idp.token().scope(DemoScopes.ANALYTICS_READ).sign()).status();
                ScopeEnforcementFilter filter = (ScopeEnforcementFilter) app.attribute(
                        ScopeEnforcementFilter.CONTEXT_ATTRIBUTE_PREFIX + OpsServer.FILTER_NAME);
                ScopeEnforcementFilter.Stats stats = filter.stats();
                return denied + " " + allowed + " allowed=" + stats.allowed() + " deniedMissingToken="
                        + stats.deniedByReason().get(io.scopeenforcer.Decision.Reason.MISSING_TOKEN)
                        + " published=" + (filter != null);
            }
        }
    }
}
