package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy's per-rule {@code sender-constrained} modifier over real HTTP, on Jetty and Tomcat: the filter itself
 * accepts bearer tokens ({@code sender-constrained} optional), one rule requires a sender-constrained token and one a
 * DPoP-bound one. A bearer token is served on the plain rule and refused on the others with the reason the
 * filter-wide parameter gives; a DPoP-bound token with its proof is served everywhere. The RFC 9728 metadata cannot say
 * a per-rule requirement, so {@code dpop_bound_access_tokens_required} stays false.
 */
class SenderConstrainedRuleHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    static final String ORIGIN = DpopHttpTest.ORIGIN;
    static final ECKey KEY = DpopProofs.newEcKey();
    static final String POLICY = """
            GET /me        authenticated
            GET /bound     sender-constrained authenticated
            GET /dpop      sender-constrained=dpop authenticated
            """;

    private static FilterServer jetty;
    private static FilterServer tomcat;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createDirectories(HARNESS.dir().resolve("sender-constrained-rules"));
        Map<String, String> params = HARNESS.params();
        params.put("policy", FilterServer.writePolicy(dir, POLICY).toString());
        params.put("dpop-origin", ORIGIN);
        jetty = HARNESS.start(JettyContainer.INSTANCE, "/app", params);
        tomcat = HARNESS.start(TomcatContainer.INSTANCE, "/app", params);
    }

    static Request bearer(String path) {
        return Request.of("GET", path, "Authorization", "Bearer " + IDP.token().sign());
    }

    static Request dpop(String path) {
        String token = IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        return Request.of("GET", path, "Authorization", "DPoP " + token, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/app" + path, token, Instant.now()).sign());
    }

    static Stream<Arguments> requests() {
        List<Arguments> rows = List.of(
                Arguments.of("bearer token on a plain rule", (Function<String, Request>) SenderConstrainedRuleHttpTest::bearer,
                        "/me", null),
                Arguments.of("bearer token on a sender-constrained rule",
                        (Function<String, Request>) SenderConstrainedRuleHttpTest::bearer, "/bound",
                        "a sender-constrained token (DPoP or certificate-bound) is required"),
                Arguments.of("bearer token on a sender-constrained=dpop rule",
                        (Function<String, Request>) SenderConstrainedRuleHttpTest::bearer, "/dpop",
                        "a DPoP-bound token, sent with the DPoP scheme, is required"),
                Arguments.of("DPoP token on a plain rule", (Function<String, Request>) SenderConstrainedRuleHttpTest::dpop,
                        "/me", null),
                Arguments.of("DPoP token on a sender-constrained rule",
                        (Function<String, Request>) SenderConstrainedRuleHttpTest::dpop, "/bound", null),
                Arguments.of("DPoP token on a sender-constrained=dpop rule",
                        (Function<String, Request>) SenderConstrainedRuleHttpTest::dpop, "/dpop", null));
        return Stream.of("jetty", "tomcat").flatMap(c -> rows.stream().map(r -> {
            Object[] v = r.get();
            return Arguments.of(c, v[0], v[1], v[2], v[3]);
        }));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("requests")
    void requestWhenRuleIsSenderConstrainedThenBearerTokensRefusedThereOnly(String container, String name,
            Function<String, Request> request, String path, String refusal) {
        Reply reply = (container.equals("jetty") ? jetty : tomcat).send(request.apply(path));
        if (refusal == null) {
            assertEquals(200, reply.status(), reply::body);
            return;
        }
        assertProblem(reply, 401, refusal, null);
        assertEquals("sender_binding", DpopHttpTest.json(reply).get("token_failure"));
        assertEquals(List.of(DpopHttpTest.BEARER + ", error=\"invalid_token\", error_description=\"" + refusal + "\"",
                DpopHttpTest.DPOP), reply.headers().get("WWW-Authenticate"));
    }

    @Test
    void metadataWhenOnlyRulesRequireDpopThenNotDpopBoundRequired() {
        Map<String, Object> metadata = DpopHttpTest.json(jetty.get("/.well-known/oauth-protected-resource"));
        assertEquals(false, metadata.get("dpop_bound_access_tokens_required"));
    }
}
