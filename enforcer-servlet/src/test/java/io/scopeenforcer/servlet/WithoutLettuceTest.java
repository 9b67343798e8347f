package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Lettuce is an optional dependency: with the default in-memory replay cache the filter loads, starts and checks
 * DPoP proofs on a class path without it, and {@code dpop-replay-cache=redis://...} without it is a clear
 * configuration error naming the jar, not a {@code NoClassDefFoundError}. The web app runs in a class loader made
 * from this test's class path minus the Lettuce jar (parent: the platform loader).
 */
class WithoutLettuceTest {

    @Test
    void filterWhenLettuceAbsentThenMemoryCacheWorksAndRedisIsAClearError() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int removed = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.replace('\\', '/').contains("/io/lettuce/")) {
                removed++;
                continue;
            }
            urls.add(Path.of(entry).toUri().toURL());
        }
        assertTrue(removed > 0, "lettuce-core is on the test class path, and was taken out");
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("io.lettuce.core.RedisClient", false, isolated));
            @SuppressWarnings("unchecked")
            Supplier<String> probe = (Supplier<String>) isolated.loadClass(Probe.class.getName())
                    .getDeclaredConstructor().newInstance();
            assertEquals("200 401 | dpop-replay-cache: a Redis replay cache needs io.lettuce:lettuce-core on the"
                    + " filter's class path", probe.get());
        }
    }

    /** Runs inside the isolated loader: a DPoP request and its replay, then a redis:// configuration. */
    public static final class Probe implements Supplier<String> {
        @Override
        public String get() {
            TestIssuer idp = TestIssuer.create("https://idp.example.test");
            Path dir;
            try {
                dir = Files.createTempDirectory("no-lettuce");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String origin = "https://api.example.test";
            com.nimbusds.jose.jwk.ECKey key = DpopProofs.newEcKey();
            try (JwksServer jwks = JwksServer.start(idp.publicJwkSet())) {
                Map<String, String> params = FilterServer.params(idp, jwks, dir);
                params.put("dpop-origin", origin);
                String statuses;
                try (OpsServer app = OpsServer.byClassName(params, Map.of())) {
                    String token = idp.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(key))).sign();
                    String proof = DpopProofs.proof(key, "GET", origin + "/me", token, Instant.now()).sign();
                    int first = app.get("/me", "Authorization", "DPoP " + token, "DPoP", proof).status();
                    int replay = app.get("/me", "Authorization", "DPoP " + token, "DPoP", proof).status();
                    statuses = first + " " + replay;
                }
                params.put("dpop-replay-cache", "redis://127.0.0.1:1/0");
                String error;
                try {
                    FilterSettings.fromParameters(p -> params.get(p.parameterName()), null);
                    error = "started";
                } catch (FilterSettings.BadParameter e) {
                    error = e.parameter() + ": " + e.reason();
                }
                return statuses + " | " + error;
            }
        }
    }
}
