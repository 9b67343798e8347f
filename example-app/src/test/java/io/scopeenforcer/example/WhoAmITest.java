package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /whoami}: what the filter hands the application, read back over real HTTP. */
class WhoAmITest {

    private final Api api = Api.shared();

    @Test
    void whoamiWhenTenantClientThenVerifiedTokenPrincipalAndRoles() {
        HttpResponse<String> response = api.send("GET", "/whoami", api.token("acme-auditor"), null);

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = Api.json(response);
        assertEquals("acme-auditor", body.get("principal"));
        assertEquals("Bearer", body.get("authType"));
        assertEquals(api.base().toString(), body.get("issuer"));
        assertEquals("acme-auditor", body.get("subject"));
        assertEquals("acme-auditor", body.get("clientId"));
        assertEquals(List.of(api.base().toString()), body.get("audiences"));
        assertEquals(List.of("applications:read", "groups:read", "identities:read"), body.get("scopes"));
        assertEquals("acme", body.get("tenant"));
        assertEquals("*", body.get("realm"));
        Map<String, Object> roles = new LinkedHashMap<>();
        roles.put("urn:opc:resource:consumer::all", false);
        roles.put("urn:opc:resource:consumer:paas::read", false);
        roles.put("urn:opc:idm:__myscopes__", false);
        roles.put("applications:read", true);
        assertEquals(roles, body.get("isUserInRole"));
    }

    @Test
    void whoamiWhenParentScopeThenIsUserInRoleExactNotHierarchical() {
        Map<String, Object> body = Api.json(api.send("GET", "/whoami", api.token("paas-reader"), null));

        assertEquals(Map.of("urn:opc:resource:consumer::all", false, "urn:opc:resource:consumer:paas::read", true,
                "urn:opc:idm:__myscopes__", false, "applications:read", false), body.get("isUserInRole"));
    }

    @Test
    void whoamiWhenNoTokenThenFilterAnswers401() {
        HttpResponse<String> response = api.send("GET", "/whoami", null, null);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("missing_token", Api.json(response).get("reason"));
    }
}
