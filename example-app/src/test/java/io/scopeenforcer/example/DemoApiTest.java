package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo APIs as APIs: real in-memory CRUD, 201 with Location, 404 for unknown ids, 400 for bad JSON. Tokens
 * come from the test's own issuer ({@link ExternalIssuer}), so they can carry scopes no demo client has.
 */
class DemoApiTest {

    private static final String ACME_PROD = "/v1/tenants/acme/realms/prod";
    private static final String ALL_ACME = String.join(" ", Stream.of("tenants", "realms", "applications", "groups",
            "identities", "credentials", "resource-servers", "roles")
            .flatMap(r -> Stream.of(r + ":read", r + ":create", r + ":update", r + ":delete")).toList());

    private final Api api = ExternalIssuer.shared().api();
    private final String acme = ExternalIssuer.shared().token(ALL_ACME, "acme", "*");

    static Stream<Arguments> collections() {
        return Stream.of(
                // collection path | a token's scope (null: every acme scope)
                Arguments.of(ACME_PROD + "/applications", null),
                Arguments.of(ACME_PROD + "/groups", null),
                Arguments.of(ACME_PROD + "/identities", null),
                Arguments.of(ACME_PROD + "/identities/idn-3/credentials", null),
                Arguments.of(ACME_PROD + "/resource-servers", null),
                Arguments.of(ACME_PROD + "/resource-servers/rs-8/roles", null),
                Arguments.of("/paas/analytics/reports", "urn:opc:resource:consumer::all"),
                Arguments.of("/paas/stack/instances", "urn:opc:resource:consumer::all"),
                Arguments.of("/admin/v1/Users", "urn:opc:idm:__myscopes__"),
                Arguments.of("/admin/v1/Groups", "urn:opc:idm:__myscopes__"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("collections")
    void crudWhenItemCreatedThenReadPatchedReplacedDeleted(String collection, String scope) {
        String token = scope == null ? acme : ExternalIssuer.shared().token(scope, null, null);

        HttpResponse<String> created = api.send("POST", collection, token, "{\"name\":\"one\",\"size\":1}");
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> item = Api.json(created);
        String location = Api.header(created, "Location");
        assertEquals(api.base() + collection + "/" + item.get("id"), location);
        assertEquals("test-user", item.get("createdBy"), "the filter's principal is the token's subject");
        String path = location.substring(api.base().toString().length());

        assertEquals(item, Api.json(api.send("GET", path, token, null)));
        assertTrue(api.send("GET", collection, token, null).body().contains("\"id\":\"" + item.get("id") + "\""));

        Map<String, Object> patched = Api.json(api.send("PATCH", path, token, "{\"size\":2,\"name\":null}"));
        assertEquals(2L, ((Number) patched.get("size")).longValue());
        assertFalse(patched.containsKey("name"));

        Map<String, Object> replaced = Api.json(api.send("PUT", path, token, "{\"name\":\"two\"}"));
        assertEquals(Map.of("id", item.get("id"), "name", "two"), replaced);

        assertEquals(204, api.send("DELETE", path, token, null).statusCode());
        assertEquals(404, api.send("GET", path, token, null).statusCode());
        assertEquals(404, api.send("DELETE", path, token, null).statusCode());
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // method | path | body | status
                Arguments.of("POST", ACME_PROD + "/applications", "{not json", 400),
                Arguments.of("POST", ACME_PROD + "/applications", "[1,2]", 400),
                Arguments.of("POST", ACME_PROD + "/applications", "", 400),
                Arguments.of("PATCH", ACME_PROD + "/applications/app-1", "\"text\"", 400),
                Arguments.of("PUT", ACME_PROD + "/applications/app-1", "{\"id\":\"app-99\"}", 400),
                Arguments.of("GET", ACME_PROD + "/applications/app-999", null, 404),
                Arguments.of("GET", ACME_PROD + "/identities/idn-999/credentials", null, 404),
                Arguments.of("GET", ACME_PROD + "/identities/idn-3/roles", null, 404),
                Arguments.of("GET", "/v1/tenants/acme/realms/staging/applications", null, 404),
                Arguments.of("POST", "/v1/tenants/acme/realms", "{\"name\":\"Bad Name\"}", 400),
                Arguments.of("POST", "/v1/tenants/acme/realms", "{\"name\":\"prod\"}", 409),
                Arguments.of("POST", ACME_PROD + "/groups/grp-6:addMembers", "{\"members\":[\"idn-999\"]}", 400),
                Arguments.of("POST", ACME_PROD + "/groups/grp-6:addMembers", "{\"members\":\"idn-3\"}", 400),
                Arguments.of("POST", ACME_PROD + "/groups/grp-999:addMembers", "{\"members\":[\"idn-3\"]}", 404));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void requestWhenBadInputOrUnknownIdThenProblem(String method, String path, String body, int status) {
        HttpResponse<String> response = api.send(method, path, acme, body);

        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", Api.mediaType(Api.header(response, "Content-Type")));
        assertEquals((long) status, ((Number) Api.json(response).get("status")).longValue());
    }

    @Test
    void membersWhenAddedListedDeletedThenGroupFollows() {
        String groups = ACME_PROD + "/groups";
        String id = (String) Api.json(api.send("POST", groups, acme, "{\"name\":\"ops\"}")).get("id");

        HttpResponse<String> added = api.send("POST", groups + "/" + id + ":addMembers", acme,
                "{\"members\":[\"idn-3\",\"idn-4\",\"idn-3\"]}");
        assertEquals(200, added.statusCode(), added.body());
        assertEquals(List.of("idn-3", "idn-4"), Api.json(added).get("members"));

        HttpResponse<String> listed = api.send("GET", groups + "/" + id + ":listMembers", acme, null);
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains("\"userName\":\"alice\"") && listed.body().contains("\"bob\""));

        HttpResponse<String> deleted = api.send("POST", groups + "/" + id + ":deleteMembers", acme,
                "{\"members\":[\"idn-3\"]}");
        assertEquals(List.of("idn-4"), Api.json(deleted).get("members"));
    }

    @Test
    void realmWhenCreatedThenItsCollectionsExistAndDeleteRemovesThem() {
        HttpResponse<String> created = api.send("POST", "/v1/tenants/acme/realms", acme, "{\"name\":\"staging\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(api.base() + "/v1/tenants/acme/realms/staging", Api.header(created, "Location"));

        String apps = "/v1/tenants/acme/realms/staging/applications";
        assertEquals(201, api.send("POST", apps, acme, "{\"name\":\"new\"}").statusCode());
        assertTrue(api.send("GET", apps, acme, null).body().contains("\"count\":1"));

        assertEquals(204, api.send("DELETE", "/v1/tenants/acme/realms/staging", acme, null).statusCode());
        assertEquals(404, api.send("GET", apps, acme, null).statusCode());
    }

    @Test
    void customMethodWhenNoExplicitRuleThenDenied() {
        HttpResponse<String> response = api.send("POST", ACME_PROD + "/applications/app-1:rotateSecret", acme, "{}");

        assertEquals(403, response.statusCode(), response.body());
    }
}
