package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The route matcher on the request's own path string (no segment strings) against the matcher on decoded segments,
 * and the decision-cache probe against the key it must find: same rule, same variables, same hash, equal.
 */
class RequestPathTest {

    private static final RoutePolicy POLICY = RoutePolicyTest.POLICY_PARSED;

    /** Method, raw path (with or without escapes, a query), the variables expected, or "deny". */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET  | /paas/analytics/reports                          | service=analytics",
        "GET  | /paas/%61nalytics/reports                        | service=analytics",
        "GET  | /paas/analytics/reports?x=%2e                    | service=analytics",
        "GET  | /paas/a%3Ab/reports                              | deny",
        "POST | /v1/tenants/acme/realms/prod/groups/g1:addMembers | tenant=acme;realm=prod;id=g1",
        "POST | /v1/tenants/ac%6de/realms/prod/groups/g%31%3AaddMembers | tenant=acme;realm=prod;id=g1",
        "POST | /v1/tenants/acme/realms/prod/groups/g1%3AdeleteMembers | deny",
        "GET  | /v1/tenants/acme/realms/prod/users/u1            | tenant=acme;realm=prod;resource=users;id=u1",
        "GET  | /v1/tenants/acme/realms/prod/users/              | deny",
        "GET  | /v1/tenants/acme/realms/prod/users/u%7E          | tenant=acme;realm=prod;resource=users;id=u~",
        "GET  | /health                                          | ",
        "GET  | /health%2F                                       | rejected",
        "GET  | /                                                | deny",
        "GET  | /reports/r1                                      | id=r1",
        "GET  | /reports/r1:export                               | deny",
    })
    void matchOnThePathStringAgreesWithMatchOnSegments(String method, String raw, String expected) {
        int query = raw.indexOf('?');
        RequestPath path = new RequestPath();
        String rejection = PathFirewall.scan(raw, query < 0 ? raw.length() : query, path);
        if ("rejected".equals(expected)) {
            assertNotNull(rejection);
            return;
        }
        assertNull(rejection);
        Rule rule = POLICY.match(method, path);
        RouteMatch bySegments = POLICY.match(method,
                PathFirewall.canonicalize(query < 0 ? raw : raw.substring(0, query)).segments());
        if ("deny".equals(expected)) {
            assertNull(rule);
            assertNull(bySegments);
            return;
        }
        assertNotNull(rule);
        RouteMatch match = path.match(rule);
        assertEquals(bySegments.rule(), rule);
        assertEquals(bySegments, match);
        assertEquals(expected == null ? Map.of() : variables(expected), match.variables());

        Object probe = path.probe(rule);
        assertEquals(match.hashCode(), probe.hashCode(), "the probe hashes as the key it looks for");
        assertEquals(probe, match.asKey(), "the probe finds the kept key");
        if (match.values().length > 0) {
            String[] other = match.values().clone();
            other[other.length - 1] = other[other.length - 1] + "x";
            assertNotEquals(probe, new RouteMatch(rule, other), "a key with another value is another key");
            other[other.length - 1] = other[other.length - 1].substring(0, other[other.length - 1].length() - 1);
            assertEquals(probe, new RouteMatch(rule, other));
        }
    }

    private static Map<String, String> variables(String spec) {
        return Arrays.stream(spec.split(";")).map(p -> p.split("=", 2))
                .collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p[1]));
    }
}
