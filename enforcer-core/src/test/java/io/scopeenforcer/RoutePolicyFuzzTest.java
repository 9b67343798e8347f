package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.scopeenforcer.scope.ScopeSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link RoutePolicy#parse}: any text either fails with an
 * {@link IllegalArgumentException} naming the source and line, or gives a policy whose every rule prints back
 * (as {@link Rule#toString()}) to a line that parses to the same rule, and whose index answers any path
 * without throwing. The input is read as UTF-8.
 */
class RoutePolicyFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*", ",", " ", "\\x0A", "#", "/",
            "/**", "{", "}", "{tenant}", "{realm}", "{id}:addMembers", "public", "authenticated", "admin", "admin ",
            "include management-api", "urn:opc:resource:consumer:", "::", "::all", "::read", "|", ":read", "{service}"})
    void parseWhenFuzzedThenPolicyOrIllegalArgumentOnly(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        RoutePolicy policy;
        try {
            policy = RoutePolicy.parse(text, "fuzz.policy");
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().startsWith("fuzz.policy:"), e.getMessage());
            return;
        }
        assertNotNull(policy.warnings());
        for (Rule rule : policy.rules()) {
            if (rule.source().equals(RoutePolicy.MANAGEMENT_API)) {
                continue;
            }
            RoutePolicy again = RoutePolicy.parse(rule.toString(), "again");
            assertEquals(1, again.rules().size(), rule::toString);
            Rule reparsed = again.rules().get(0);
            assertEquals(rule.toString(), reparsed.toString());
            assertEquals(rule.methods(), reparsed.methods());
            assertEquals(rule.admin(), reparsed.admin());
            assertEquals(rule.requirement(), reparsed.requirement());
            // The requirement can be checked with any variables the pattern binds.
            rule.requirement().check(ScopeSet.empty(), Map.of(), rule.admin());
        }
        for (List<String> path : List.of(List.<String>of(), List.of("health"), List.of("a", "b", "c", ""),
                List.of("v1", "tenants", "acme", "realms", "prod", "groups", "g1:addMembers"),
                List.of("paas", "x:y", "z"), List.of("{id}", "**", "*"))) {
            for (String method : HttpMethods.ALLOWED) {
                RouteMatch match = policy.match(method, path);
                if (match != null && match.rule().requirement().kind() == Requirement.Kind.SCOPES) {
                    match.rule().requirement().check(ScopeSet.empty(), match.variables(), match.rule().admin());
                }
            }
        }
    }
}
