package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePolicyTest {

    static final String POLICY = String.join("\n",
            "# a policy in the example app's style, with a templated service, an OR requirement and a comment",
            "GET      /health                         public",
            "GET,HEAD /paas/{service}/**              urn:opc:resource:consumer:paas:{service}::read",
            "POST,PUT,PATCH,DELETE /paas/{service}/** urn:opc:resource:consumer:paas:{service}::write",
            "*        /admin/v1/**                    admin",
            "GET      /me                             authenticated   # any valid token",
            "POST     /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers  groups:update identities:read",
            "GET      /reports/{id}                   reports:read | reports:admin",
            "include management-api",
            "");

    static final RoutePolicy POLICY_PARSED = RoutePolicy.parse(POLICY, "test.policy");

    private static List<String> segments(String path) {
        return PathFirewall.canonicalize(path).segments();
    }

    /** Method, path, expected rule (as written) or "deny", expected variables. */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /health                        | GET /health public                                     | ",
        "HEAD   | /health                        | GET /health public                                     | ",
        "POST   | /health                        | deny                                                   | ",
        "GET    | /health/                       | deny                                                   | ",
        "GET    | /HEALTH                        | deny                                                   | ",
        "GET    | /paas/analytics/reports        | GET,HEAD /paas/{service}/** urn:opc:resource:consumer:paas:{service}::read | service=analytics",
        "GET    | /paas/analytics                | GET,HEAD /paas/{service}/** urn:opc:resource:consumer:paas:{service}::read | service=analytics",
        "DELETE | /paas/stack/instances/i1       | POST,PUT,PATCH,DELETE /paas/{service}/** urn:opc:resource:consumer:paas:{service}::write | service=stack",
        "GET    | /paas                          | deny                                                   | ",
        "OPTIONS| /paas/analytics                | deny                                                   | ",
        "GET    | /admin/v1/Users                | * /admin/v1/** admin                                   | ",
        "OPTIONS| /admin/v1/Users                | * /admin/v1/** admin                                   | ",
        "GET    | /admin/v1                      | * /admin/v1/** admin                                   | ",
        "GET    | /admin                         | deny                                                   | ",
        "GET    | /me                            | GET /me authenticated                                  | ",
        "GET    | /reports/r1:export             | deny                                                   | ",
        "POST   | /v1/tenants/acme/realms/prod/groups/g1:addMembers | POST /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers groups:update identities:read | tenant=acme;realm=prod;id=g1",
        "POST   | /v1/tenants/acme/realms/prod/groups/g1:deleteMembers | deny                                   | ",
        "POST   | /v1/tenants/acme/realms/prod/groups/:addMembers | deny                                    | ",
        "POST   | /v1/tenants/acme/realms/prod/groups/a:b:addMembers | deny                                 | ",
        "GET    | /unknown                       | deny                                                   | ",
        "GET    | /                              | deny                                                   | ",
    })
    void matchWhenRequestThenMostSpecificRule(String method, String path, String expected, String vars) {
        RouteMatch match = POLICY_PARSED.match(method, segments(path));
        if (expected.equals("deny")) {
            assertNull(match, () -> "matched " + match.rule());
            return;
        }
        assertEquals(expected.replaceAll("\\s+", " "), match.rule().toString().replaceAll("\\s+", " "));
        assertEquals(parseVars(vars), match.variables());
    }

    /** Every row of the docs/architecture.md §8.4 convention table. */
    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /v1/tenants/acme                                   | tenants:read",
        "HEAD   | /v1/tenants/acme                                   | tenants:read",
        "PATCH  | /v1/tenants/acme                                   | tenants:update",
        "GET    | /v1/tenants/acme/realms                            | realms:read",
        "POST   | /v1/tenants/acme/realms                            | realms:create",
        "GET    | /v1/tenants/acme/realms/prod                       | realms:read",
        "PATCH  | /v1/tenants/acme/realms/prod                       | realms:update",
        "DELETE | /v1/tenants/acme/realms/prod                       | realms:delete",
        "GET    | /v1/tenants/acme/realms/prod/applications          | applications:read",
        "HEAD   | /v1/tenants/acme/realms/prod/applications          | applications:read",
        "POST   | /v1/tenants/acme/realms/prod/applications          | applications:create",
        "GET    | /v1/tenants/acme/realms/prod/applications/a1       | applications:read",
        "PATCH  | /v1/tenants/acme/realms/prod/applications/a1       | applications:update",
        "PUT    | /v1/tenants/acme/realms/prod/applications/a1       | applications:update",
        "DELETE | /v1/tenants/acme/realms/prod/applications/a1       | applications:delete",
        "GET    | /v1/tenants/acme/realms/prod/identities/i1/credentials     | credentials:read",
        "POST   | /v1/tenants/acme/realms/prod/identities/i1/credentials     | credentials:create",
        "GET    | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1  | credentials:read",
        "PATCH  | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1  | credentials:update",
        "PUT    | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1  | credentials:update",
        "DELETE | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1  | credentials:delete",
        "GET    | /v1/tenants/acme/realms/prod/resource-servers/rs1/roles/r1 | roles:read",
        "POST   | /v1/tenants/acme/realms/prod/groups/g1:addMembers          | groups:update identities:read",
    })
    void matchWhenManagementApiThenConventionScope(String method, String path, String scopes) {
        RouteMatch match = POLICY_PARSED.match(method, segments(path));
        var outcome = match.rule().requirement().check(io.scopeenforcer.scope.ScopeSet.empty(), match.variables(),
                false);
        assertEquals(List.of(scopes.split(" ")), outcome.required());
        assertTrue(match.rule().tenantBound());
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "PUT    | /v1/tenants/acme",
        "DELETE | /v1/tenants/acme",
        "POST   | /v1/tenants/acme",
        "GET    | /v1/tenants",
        "PUT    | /v1/tenants/acme/realms/prod",
        "POST   | /v1/tenants/acme/realms/prod/applications/a1",
        "POST   | /v1/tenants/acme/realms/prod/applications/a1:activate",
        "GET    | /v1/tenants/acme/realms/prod/applications/a1:activate",
        "DELETE | /v1/tenants/acme/realms/prod/applications",
        "GET    | /v1/tenants/acme/realms/prod/a/1/b/2/c/3/d/4",
        // Collections nest at most two levels below a realm: a third level, or a realm inside a realm, takes its
        // scope from the deepest collection while the binding is checked against the outer tenant.
        "GET    | /v1/tenants/acme/realms/prod/a/1/b/2/c/3",
        "GET    | /v1/tenants/acme/realms/prod/a/1/b/2/c",
        "POST   | /v1/tenants/acme/realms/prod/a/1/b/2/c",
        "DELETE | /v1/tenants/acme/realms/prod/a/1/b/2/c/3",
        "GET    | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1/x",
        "GET    | /v1/tenants/acme/realms/prod/identities/i1/credentials/c1/x/y",
        "GET    | /v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications",
        "POST   | /v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications",
        "GET    | /v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications/a1",
        "GET    | /v1/tenants/acme/realms/prod/applications/",
        "GET    | /v2/tenants/acme",
    })
    void matchWhenOutsideConventionThenNoRule(String method, String path) {
        assertNull(POLICY_PARSED.match(method, segments(path)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "GET /a                             | test.policy:1: a rule is: METHODS PATH [MODIFIERS] REQUIREMENT",
        "FETCH /a public                    | test.policy:1: unknown method",
        "get /a public                      | test.policy:1: unknown method",
        "GET a public                       | test.policy:1: a path pattern starts with /",
        "GET /a//b public                   | test.policy:1: empty segment",
        "GET /a/** /b public                | test.policy:1: 'public' stands alone",
        "GET /a public x:read               | test.policy:1: 'public' stands alone",
        "GET /a x:read admin                | test.policy:1: 'admin' is a keyword",
        "GET /**/a public                   | test.policy:1: ** may only end a path pattern",
        "GET /a/{x}/{x} public              | test.policy:1: variable {x} appears twice",
        "GET /a/.. public                   | test.policy:1: bad path pattern segment",
        "GET /a {x}:read                    | test.policy:1: requirement uses {x}",
        "GET /a urn:opc:resource:consumer:::read | test.policy:1: malformed URN consumer scope",
        "GET /a admin public                | test.policy:1: an admin rule needs scopes",
        "include everything                 | test.policy:1: include takes one name",
        "GET,POST, /a public                | test.policy:1: unknown method",
    })
    void parseWhenSyntaxErrorThenFailsWithLine(String line, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutePolicy.parse(line, "test.policy"));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void parseWhenEmptyAlternativeThenFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutePolicy.parse("GET /a a:read |", "test.policy"));
        assertTrue(e.getMessage().startsWith("test.policy:1: empty alternative"), e.getMessage());
    }

    @Test
    void matchWhenAnyOfRequirementThenRuleKeepsBothAlternatives() {
        RouteMatch match = POLICY_PARSED.match("GET", segments("/reports/r1"));
        assertEquals("GET /reports/{id} reports:read | reports:admin", match.rule().toString());
        assertEquals(Map.of("id", "r1"), match.variables());
        assertNull(POLICY_PARSED.match("GET", segments("/reports/r1:export")));
    }

    @Test
    void parseWhenErrorOnLaterLineThenNamesThatLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutePolicy.parse("# ok\nGET /a public\n\nGET /b bad\"scope\n", "p.txt"));
        assertTrue(e.getMessage().startsWith("p.txt:4: "), e.getMessage());
    }

    @Test
    void warningsWhenSameShapeTwiceThenLaterShadowed() {
        RoutePolicy policy = RoutePolicy.parse("GET /a/{x} a:read\nGET /a/{y} b:read\nGET /a/{x}:go c:read\n", "p");
        assertEquals(1, policy.warnings().size(), policy.warnings().toString());
        assertTrue(policy.warnings().get(0).startsWith("p:2: rule \"GET /a/{y} b:read\" never matches: on GET"),
                policy.warnings().get(0));
        assertEquals("a:read", policy.match("GET", List.of("a", "v")).rule().requirement().toString());
    }

    @Test
    void warningsWhenStarRuleBehindExplicitThenPartlyShadowedOnly() {
        RoutePolicy policy = RoutePolicy.parse("GET /a a:read\n* /a a:any\n", "p");
        assertEquals("a:read", policy.match("GET", List.of("a")).rule().requirement().toString());
        assertEquals("a:read", policy.match("HEAD", List.of("a")).rule().requirement().toString());
        assertEquals("a:any", policy.match("POST", List.of("a")).rule().requirement().toString());
        assertTrue(policy.warnings().isEmpty(), policy.warnings().toString());
    }

    @Test
    void warningsWhenPutWithoutPatchThenGapReported() {
        RoutePolicy policy = RoutePolicy.parse("PUT /a/{id} a:update\n", "p");
        assertEquals(List.of("p:1: /a/{} has a rule for PUT but none for PATCH (PATCH is denied)"), policy.warnings());
    }

    @Test
    void warningsWhenExampleAppPolicyThenNone() {
        assertEquals(List.of(), POLICY_PARSED.warnings());
    }

    @Test
    void matchWhenExplicitHeadThenBeatsImpliedHead() {
        RoutePolicy policy = RoutePolicy.parse("GET /a a:read\nHEAD /a a:head\n", "p");
        assertEquals("a:head", policy.match("HEAD", List.of("a")).rule().requirement().toString());
        assertEquals("a:read", policy.match("GET", List.of("a")).rule().requirement().toString());
    }

    @Test
    void matchWhenLiteralLaterInFileThenStillMoreSpecific() {
        RoutePolicy policy = RoutePolicy.parse("GET /a/{x} a:read\nGET /a/me public\n", "p");
        assertEquals("public", policy.match("GET", List.of("a", "me")).rule().requirement().toString());
        assertEquals("a:read", policy.match("GET", List.of("a", "you")).rule().requirement().toString());
    }

    @Test
    void matchWhenBacktrackingNeededThenFindsDeeperVariableRoute() {
        RoutePolicy policy = RoutePolicy.parse("GET /a/me/x public\nGET /a/{id}/y a:read\n", "p");
        assertEquals("a:read", policy.match("GET", List.of("a", "me", "y")).rule().requirement().toString());
    }

    @Test
    void builderWhenSameRulesThenSameMatchesAsFile() {
        RoutePolicy built = RoutePolicy.newBuilder()
                .rule("GET", "/health", Requirement.publicAccess())
                .rule("GET,HEAD", "/paas/{service}/**", Requirement.parse("urn:opc:resource:consumer:paas:{service}::read"))
                .adminRule("*", "/admin/v1/**", null)
                .includeManagementApi()
                .build();
        for (String[] request : new String[][] {{"GET", "/health"}, {"GET", "/paas/stack/x"},
                {"DELETE", "/admin/v1/Users/u1"}, {"PATCH", "/v1/tenants/acme/realms/prod/groups/g1"}}) {
            assertEquals(POLICY_PARSED.match(request[0], segments(request[1])).rule().toString(),
                    built.match(request[0], segments(request[1])).rule().toString());
        }
        assertTrue(built.match("GET", segments("/admin/v1/Users")).rule().admin());
    }

    @Test
    void matchWhenThousandRulesThenStillCorrect() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add("GET /svc" + i + "/{id}/items s" + i + ":read");
        }
        RoutePolicy policy = RoutePolicy.parse(String.join("\n", lines), "big");
        assertEquals("s777:read", policy.match("GET", List.of("svc777", "x", "items")).rule().requirement().toString());
        assertNull(policy.match("GET", List.of("svc1000", "x", "items")));
    }

    private static Map<String, String> parseVars(String vars) {
        if (vars == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : vars.split(";")) {
            String[] kv = pair.split("=");
            out.put(kv[0], kv[1]);
        }
        return out;
    }

    /** Good lines with the sender-constrained modifier: the rule as it reads back, its constraint and admin flag. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiterString = " => ", value = {
        "GET /a sender-constrained a:read => GET /a sender-constrained a:read => REQUIRED => false",
        "GET /a sender-constrained=required a:read => GET /a sender-constrained a:read => REQUIRED => false",
        "GET /a sender-constrained=dpop a:read | b:read => GET /a sender-constrained=dpop a:read | b:read => DPOP => false",
        "GET /a sender-constrained authenticated => GET /a sender-constrained authenticated => REQUIRED => false",
        "* /a sender-constrained admin => * /a sender-constrained admin => REQUIRED => true",
        "* /a admin sender-constrained=dpop => * /a sender-constrained=dpop admin => DPOP => true",
        "* /a admin sender-constrained x:admin => * /a sender-constrained admin x:admin => REQUIRED => true",
        "GET /a a:read => GET /a a:read => OPTIONAL => false",
        "GET /a sender:read => GET /a sender:read => OPTIONAL => false",
    })
    void parseWhenSenderConstrainedModifierThenRuleCarriesIt(String line, String expected,
            Enforcer.SenderConstraint constraint, boolean admin) {
        Rule rule = RoutePolicy.parse(line, "test.policy").rules().get(0);
        assertEquals(expected, rule.toString());
        assertEquals(constraint, rule.senderConstraint());
        assertEquals(admin, rule.admin());
        assertEquals(rule.toString(), RoutePolicy.parse(rule.toString(), "again").rules().get(0).toString());
    }

    /** Bad modifier lines: start-up fails with exactly this message. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "GET /a sender-constraint a:read              | test.policy:1: unknown rule modifier 'sender-constraint' (modifiers: admin, sender-constrained, sender-constrained=dpop)",
        "GET /a sender_constrained a:read             | test.policy:1: unknown rule modifier 'sender_constrained' (modifiers: admin, sender-constrained, sender-constrained=dpop)",
        "GET /a strict=yes a:read                     | test.policy:1: unknown rule modifier 'strict=yes' (modifiers: admin, sender-constrained, sender-constrained=dpop)",
        "GET /a sender-constrained=mtls a:read        | test.policy:1: sender-constrained takes required or dpop, not 'mtls'",
        "GET /a sender-constrained=optional a:read    | test.policy:1: sender-constrained takes required or dpop, not 'optional'",
        "GET /a sender-constrained sender-constrained=dpop a:read | test.policy:1: sender-constrained given twice",
        "GET /a admin admin                           | test.policy:1: admin given twice",
        "GET /a sender-constrained                    | test.policy:1: a rule is: METHODS PATH [MODIFIERS] REQUIREMENT",
        "GET /a sender-constrained public             | test.policy:1: a public rule looks at no token, so it cannot be sender-constrained",
        "GET /a a:read sender-constrained             | test.policy:1: 'sender-constrained' is a keyword, not a scope: a rule is METHODS PATH [admin] [sender-constrained[=dpop]] REQUIREMENT",
        "GET /a a:read x=y                            | test.policy:1: 'x=y' is a keyword, not a scope: a rule is METHODS PATH [admin] [sender-constrained[=dpop]] REQUIREMENT",
        "GET /a sender-constrained admin public       | test.policy:1: an admin rule needs scopes, not public",
    })
    void parseWhenModifierBadThenFailsNamingIt(String line, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> RoutePolicy.parse(line, "test.policy")).getMessage());
    }

    @Test
    void senderConstrainedRuleWhenBuiltInCodeThenAsTheModifier() {
        RoutePolicy policy = RoutePolicy.newBuilder().senderConstrainedRule("GET", "/a", Requirement.parse("a:read"),
                Enforcer.SenderConstraint.DPOP).build();
        assertEquals("GET /a sender-constrained=dpop a:read", policy.rules().get(0).toString());
        assertEquals("a sender-constrained rule needs REQUIRED or DPOP", assertThrows(IllegalArgumentException.class,
                () -> RoutePolicy.newBuilder().senderConstrainedRule("GET", "/a", Requirement.parse("a:read"),
                        Enforcer.SenderConstraint.OPTIONAL)).getMessage());
        assertEquals("a public rule looks at no token, so it cannot be sender-constrained",
                assertThrows(IllegalArgumentException.class, () -> RoutePolicy.newBuilder().senderConstrainedRule(
                        "GET", "/a", Requirement.publicAccess(), Enforcer.SenderConstraint.REQUIRED)).getMessage());
    }
}
