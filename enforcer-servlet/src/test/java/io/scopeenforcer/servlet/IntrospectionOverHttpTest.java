package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter with {@code introspection-endpoint}: an opaque bearer token is introspected (RFC 7662) at a real
 * endpoint, and the answer decides 200, 401, 403 or 503. Real Jetty, real endpoint, real HTTP client.
 */
class IntrospectionOverHttpTest {

    private static final String PATH = "/paas/analytics/reports";
    private static final String SCOPE = "urn:opc:resource:consumer:paas:analytics::read";
    private static final TestIssuer IDP = TestIssuer.create("https://opaque-idp.example.test");

    @TempDir
    Path dir;
    private JwksServer endpoint;
    private FilterServer app;

    @BeforeEach
    void start() {
        endpoint = JwksServer.start(IDP.publicJwkSet());
        Map<String, String> params = FilterServer.params(IDP, endpoint, dir);
        params.put("introspection-endpoint", endpoint.uri("/oauth2/v1/introspect").toString());
        params.put("introspection-client-id", "resource-server");
        params.put("introspection-client-secret", "resource-server-secret");
        params.put("retry-after", "4");
        app = FilterServer.start("/", params);
    }

    @AfterEach
    void stop() {
        app.close();
        endpoint.close();
    }

    private static String answer(boolean active, String scope) {
        return "{\"active\":" + active + ",\"iss\":\"" + IDP.issuer() + "\",\"aud\":\"" + TestIssuer.DEFAULT_AUDIENCE
                + "\",\"scope\":\"" + scope + "\",\"client_id\":\"legacy-reader\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 300) + "}";
    }

    /** What the endpoint answers, then the status and a fragment of the answer. */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("active, right scope", (Consumer<JwksServer>) s -> s.serveDocument("/oauth2/v1/introspect",
                        answer(true, SCOPE)), 200, "reached=true"),
                Arguments.of("active, other scope", (Consumer<JwksServer>) s -> s.serveDocument("/oauth2/v1/introspect",
                        answer(true, "other")), 403, "insufficient_scope"),
                Arguments.of("inactive", (Consumer<JwksServer>) s -> s.serveDocument("/oauth2/v1/introspect",
                        "{\"active\":false}"), 401, "invalid_token"),
                Arguments.of("endpoint failing", (Consumer<JwksServer>) s -> s.failWithStatus(500), 503,
                        "\"status\":503"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void requestWhenOpaqueTokenThenIntrospectionAnswerDecides(String name, Consumer<JwksServer> stage, int status,
            String fragment) {
        stage.accept(endpoint);

        Reply reply = app.get(PATH, "Authorization", "Bearer 2YotnFZFEjr1zCsicMWpAA");

        assertEquals(status, reply.status(), reply::toString);
        String all = reply.body() + reply.headers();
        assertTrue(all.contains(fragment), all);
        if (status == 503) {
            assertEquals("4", reply.header("Retry-After"));
        }
    }
}
