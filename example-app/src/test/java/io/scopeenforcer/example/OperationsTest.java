package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of the running example app: {@code GET /metrics} as Prometheus text (parsed here), and
 * {@code GET /health/ready} turning from 503 to 200 when the issuer's JWKS comes up. The filter is found through
 * the ServletContext attribute it publishes ({@link ExampleApp.Running#filter()}).
 */
class OperationsTest {

    /** {@code name{labels} value}: one sample line of the text format. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)");

    /** The samples of a scrape, by name with labels as written; comments and blank lines skipped. */
    static Map<String, Double> parse(String scrape) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), () -> "not a sample line: " + line);
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    @Test
    void metricsWhenScrapedThenPrometheusTextWithTheFilterCounters() {
        try (ExampleApp.Running app = ExampleApp.start("--port=0")) {
            Api api = new Api(app.baseUri());
            String issuer = app.baseUri().toString();
            assertEquals(200, api.send("GET", "/health", null, null).statusCode());
            assertEquals(401, api.send("GET", "/paas/analytics/reports", null, null).statusCode());
            String token = api.token("paas-reader");
            assertEquals(200, api.send("GET", "/paas/analytics/reports", token, null).statusCode());
            assertEquals(403, api.send("GET", "/admin/v1/Users", token, null).statusCode());

            HttpResponse<String> scrape = api.send("GET", "/metrics", null, null);
            assertEquals(200, scrape.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", Api.header(scrape, "Content-Type"));
            Map<String, Double> samples = parse(scrape.body());
            assertAll(
                    // /health, the token request, the filter's own JWKS fetch (the development issuer is this app),
                    // the reports, and this scrape: public routes count as allowed too.
                    () -> assertEquals(5.0, samples.get("scope_enforcer_requests_total{outcome=\"allowed\",reason=\"none\"}"),
                            scrape::body),
                    () -> assertEquals(1.0, samples.get(
                            "scope_enforcer_requests_total{outcome=\"denied\",reason=\"missing_token\"}")),
                    () -> assertEquals(1.0, samples.get(
                            "scope_enforcer_requests_total{outcome=\"denied\",reason=\"insufficient_scope\"}")),
                    () -> assertEquals(0.0, samples.get(
                            "scope_enforcer_requests_total{outcome=\"would_deny\",reason=\"insufficient_scope\"}")),
                    () -> assertEquals(7.0, samples.get("scope_enforcer_decision_seconds_count")),
                    () -> assertEquals(1.0, samples.get(
                            "scope_enforcer_jwks_fetches_total{issuer=\"" + issuer + "\",result=\"success\"}")),
                    () -> assertEquals(1.0, samples.get("scope_enforcer_jwks_loaded{issuer=\"" + issuer + "\"}")),
                    () -> assertEquals(1.0, samples.get("scope_enforcer_jwks_keys{issuer=\"" + issuer + "\"}")),
                    () -> assertEquals(1.0, samples.get("scope_enforcer_cache_size{cache=\"token\"}")),
                    () -> assertEquals(1.0, samples.get(
                            "scope_enforcer_cache_gets_total{cache=\"token\",result=\"hit\"}")),
                    () -> assertTrue(samples.get("scope_enforcer_jwks_age_seconds{issuer=\"" + issuer + "\"}") >= 0));
            // Nothing a client sent becomes a label: no path, no subject, no token.
            assertTrue(!scrape.body().contains("/paas/") && !scrape.body().contains("paas-reader")
                    && !scrape.body().contains(token.substring(0, 20)), scrape::body);
        }
    }

    @Test
    void readyWhenIssuerJwksDownThen503NamingItAnd200OnceUp() {
        TestIssuer idp = TestIssuer.create("https://idp.example.test");
        try (JwksServer jwks = JwksServer.start(idp.publicJwkSet())) {
            jwks.failWithStatus(503);
            try (ExampleApp.Running app = ExampleApp.start("--port=0", "--issuer=" + idp.issuer(),
                    "--jwks-uri=" + jwks.uri(), "--audience=" + TestIssuer.DEFAULT_AUDIENCE)) {
                Api api = new Api(app.baseUri());
                HttpResponse<String> down = api.send("GET", "/health/ready", null, null);
                assertEquals(503, down.statusCode(), down::body);
                assertEquals("application/problem+json", Api.mediaType(Api.header(down, "Content-Type")));
                Map<String, Object> problem = Api.json(down);
                assertEquals("the keys of issuer https://idp.example.test are not loaded: IOException"
                        + " 'Server returned HTTP response code: 503 ...'", problem.get("detail"));
                assertEquals("https://idp.example.test", problem.get("issuer"));
                assertEquals(503L, problem.get("status"));
                assertEquals(200, api.send("GET", "/health", null, null).statusCode(), "liveness is another matter");

                jwks.heal();
                HttpResponse<String> up = api.send("GET", "/health/ready", null, null);
                assertEquals(200, up.statusCode(), up::body);
                Map<String, Object> ready = Api.json(up);
                assertEquals("UP", ready.get("status"));
                @SuppressWarnings("unchecked")
                Map<String, Object> only = ((List<Map<String, Object>>) ready.get("issuers")).get(0);
                assertEquals("https://idp.example.test", only.get("issuer"));
                assertEquals(3L, only.get("keys"));
                assertNotNull(only.get("last_fetch"));
                assertEquals(true, app.filter().keyStatus().get(0).loaded());
            }
        }
    }

    @Test
    void filterWhenAppStoppedThenNoLongerPublished() {
        ExampleApp.Running app = ExampleApp.start("--port=0");
        assertEquals(0, app.filter().stats().allowed());
        app.close();
        assertThrows(IllegalStateException.class, app::filter);
    }
}
