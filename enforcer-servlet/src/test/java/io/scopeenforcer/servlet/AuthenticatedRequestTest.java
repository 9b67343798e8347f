package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ADMIN;
import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.TestIssuer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the application sees on allow (docs/architecture.md §11): the subject as principal and remote user, auth type
 * {@code Bearer}, granted scopes as roles, the {@code VerifiedToken} as a request attribute.
 */
@OnEachContainer
class AuthenticatedRequestTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String PAAS_READ = "urn:opc:resource:consumer:paas::read";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static String withRole(String path, String role) {
        return path + "?role=" + URLEncoder.encode(role, StandardCharsets.UTF_8);
    }

    /**
     * @param principal the expected principal name, and the token attribute's subject
     * @param role the expected {@code isUserInRole} for the {@code role} parameter of {@code path}
     */
    private static Arguments row(String name, String token, String path, String principal, boolean role) {
        return Arguments.of(name, token, path, principal, role);
    }

    static Stream<Arguments> allowed() {
        return Stream.of(
                row("granted scope is a role", IDP.token().scope(ANALYTICS_READ).sign(),
                        withRole("/paas/analytics/reports", ANALYTICS_READ), "alice", true),
                row("scope not granted is no role", IDP.token().scope(ANALYTICS_READ).sign(),
                        withRole("/paas/analytics/reports", PAAS_READ), "alice", false),
                row("admin scope", IDP.token().scope(ADMIN).subject("root-operator").sign(),
                        withRole("/admin/v1/Users", ADMIN), "root-operator", true),
                row("resource/action scope on a tenant route", IDP.token().scope("applications:read groups:read")
                        .tenant("acme").realm("prod").sign(),
                        withRole("/v1/tenants/acme/realms/prod/applications", "groups:read"), "alice", true),
                row("percent-encoded tenant decodes to the token's tenant", IDP.token().scope("applications:read")
                        .tenant("acme").realm("prod").sign(),
                        withRole("/v1/tenants/ac%6De/realms/prod/applications", "applications:read"), "alice", true),
                row("realm * in the token opens every realm of its tenant", IDP.token().scope("applications:read")
                        .tenant("acme").realm("*").sign(),
                        withRole("/v1/tenants/acme/realms/dev/applications/a1", "applications:read"), "alice", true),
                row("authenticated route, scope from scp", IDP.token().scp("openid", "profile").subject("bob").sign(),
                        withRole("/me", "profile"), "bob", true),
                row("no sub: the client id is the principal", IDP.token().noSubject().clientId("svc-client")
                        .scope(ANALYTICS_READ).sign(), withRole("/paas/analytics/x", ANALYTICS_READ), "svc-client",
                        true),
                row("role name is case-sensitive", IDP.token().scope(ANALYTICS_READ).sign(),
                        withRole("/paas/analytics/x", ANALYTICS_READ.toUpperCase(java.util.Locale.ROOT)), "alice",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void filterWhenAllowedThenRequestCarriesIdentity(String name, String token, String path, String principal,
            boolean role, FilterServer server) {
        Reply reply = server.get(path, "Authorization", "Bearer " + token);
        assertEquals(200, reply.status(), reply::body);
        Map<String, String> seen = reply.echo();
        assertAll(
                () -> assertEquals(principal, seen.get("principal")),
                () -> assertEquals(principal, seen.get("remoteUser")),
                () -> assertEquals("Bearer", seen.get("authType")),
                () -> assertEquals(principal, seen.get("subject"), "the VerifiedToken attribute"),
                () -> assertEquals(String.valueOf(role), seen.get("role")));
        Problems.assertNothingEchoed(reply, token);
    }

    /**
     * What deliberately passes. Roles are the granted scope strings compared exactly, without the scope
     * hierarchy and without the Servlet spec's {@code **} ("any authenticated user"); a public route never
     * looks at the token, so it neither authenticates nor rejects one.
     */
    static Stream<Arguments> acceptedOddities() {
        String paasReader = IDP.token().scope(PAAS_READ).sign();
        return Stream.of(
                Arguments.of("a parent scope opens the route but is not the child's role", paasReader,
                        withRole("/paas/analytics/x", ANALYTICS_READ), "alice", "Bearer", "false"),
                Arguments.of("** is not 'any authenticated user'", paasReader, withRole("/paas/analytics/x", "**"),
                        "alice", "Bearer", "false"),
                Arguments.of("valid token on a public route: anonymous", paasReader, withRole("/health", PAAS_READ),
                        "", "", "false"),
                Arguments.of("garbage token on a public route: passes", "garbage-token-0123456789",
                        withRole("/health", PAAS_READ), "", "", "false"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedOddities")
    void filterWhenAcceptedOddityThenAsRecorded(String name, String token, String path, String principal,
            String authType, String role, FilterServer server) {
        Reply reply = server.get(path, "Authorization", "Bearer " + token);
        assertEquals(200, reply.status(), reply::body);
        Map<String, String> seen = reply.echo();
        assertEquals(principal, seen.get("principal"));
        assertEquals(authType, seen.get("authType"));
        assertEquals(role, seen.get("role"));
    }

    @Test
    void filterWhenContextPathThenPolicyMatchesThePathWithinIt() {
        try (FilterServer app = HARNESS.start(container, "/app", HARNESS.params())) {
            String token = IDP.token().scope(ANALYTICS_READ).sign();
            Reply reply = app.get(withRole("/paas/analytics/reports", ANALYTICS_READ), "Authorization",
                    "Bearer " + token);
            assertEquals(200, reply.status(), reply::body);
            assertEquals("/app/paas/analytics/reports", reply.echo().get("uri"));
            assertEquals("alice", reply.echo().get("principal"));
            assertEquals("true", reply.echo().get("role"));

            assertEquals(200, app.get("/health").status());
            assertEquals(401, app.get("/paas/analytics/reports").status());
            assertEquals(403, app.get("/admin/v1/Users", "Authorization", "Bearer " + token).status());
        }
    }
}
