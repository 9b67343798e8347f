package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every create and update route against bodies that are not one JSON object (RFC 8259), over real HTTP: the
 * exact status and RFC 9457 problem, and the collection exactly as it was before.
 */
class JsonBodyTest {

    private static final String APPS = "/v1/tenants/acme/realms/prod/applications";
    private static final String APP = APPS + "/app-2";
    private static final String REALMS = "/v1/tenants/acme/realms";
    private static final String INSTANCES = "/paas/stack/instances";
    private static final String INSTANCE = INSTANCES + "/inst-3";
    private static final String USERS = "/admin/v1/Users";
    private static final String GROUP_MEMBERS = "/v1/tenants/acme/realms/prod/groups/grp-6:addMembers";
    private static final String JSON = "application/json";

    private final ExternalIssuer issuer = ExternalIssuer.shared();
    private final Api api = issuer.api();

    /** A body of the right shape for each route, so the only thing wrong in a row is the body. */
    static Stream<Arguments> routes() {
        return Stream.of(
                // method | path | where to look for a change
                Arguments.of("POST", APPS, APPS),
                Arguments.of("PUT", APP, APPS),
                Arguments.of("PATCH", APP, APPS),
                Arguments.of("POST", REALMS, REALMS),
                Arguments.of("POST", GROUP_MEMBERS, "/v1/tenants/acme/realms/prod/groups"),
                Arguments.of("PATCH", "/v1/tenants/acme", "/v1/tenants/acme"),
                Arguments.of("POST", INSTANCES, INSTANCES),
                Arguments.of("PUT", INSTANCE, INSTANCES),
                Arguments.of("PATCH", INSTANCE, INSTANCES),
                Arguments.of("POST", USERS, USERS),
                Arguments.of("PATCH", USERS + "/usr-1", USERS));
    }

    /** Bodies, each with the Content-Type it is sent with, the status and the problem's detail. */
    static List<Object[]> bodies() {
        String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
        String deeper = "[".repeat(60_000);
        byte[] huge = ("{\"name\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        return List.of(
                // why | content type | body | status | detail
                new Object[] {"null", JSON, "null", 400, "the body is not a JSON object"},
                new Object[] {"empty", JSON, "", 400, "the body is empty: send a JSON object"},
                new Object[] {"whitespace only", JSON, " \r\n\t", 400, "the body is empty: send a JSON object"},
                new Object[] {"array", JSON, "[]", 400, "the body is not a JSON object"},
                new Object[] {"string", JSON, "\"x\"", 400, "the body is not a JSON object"},
                new Object[] {"number", JSON, "1", 400, "the body is not a JSON object"},
                new Object[] {"true", JSON, "true", 400, "the body is not a JSON object"},
                new Object[] {"invalid", JSON, "{not json", 400, "the body is not valid JSON"},
                new Object[] {"single quotes", JSON, "{'name':'x'}", 400, "the body is not valid JSON"},
                new Object[] {"unquoted name", JSON, "{name:1}", 400, "the body is not valid JSON"},
                new Object[] {"NaN", JSON, "{\"n\":NaN}", 400, "the body is not valid JSON"},
                new Object[] {"leading zero", JSON, "{\"n\":01}", 400, "the body is not valid JSON"},
                new Object[] {"raw control character", JSON, "{\"n\":\"a\u0001b\"}", 400, "the body is not valid JSON"},
                new Object[] {"truncated object", JSON, "{\"name\":\"x\"", 400, "the body ends in the middle of its JSON"},
                new Object[] {"truncated string", JSON, "{\"name\":\"x", 400, "the body ends in the middle of its JSON"},
                new Object[] {"truncated literal", JSON, "{\"a\":tr", 400, "the body ends in the middle of its JSON"},
                new Object[] {"trailing text", JSON, "{} {}", 400, "the body has text after its JSON object"},
                new Object[] {"duplicate name", JSON, "{\"a\":1,\"a\":2}", 400, "the body names a member twice"},
                new Object[] {"number out of range", JSON, "{\"n\":1e999}", 400, "the body has a number out of range"},
                new Object[] {"unpaired surrogate", JSON, "{\"n\":\"\\ud800\"}", 400,
                        "the body has a string that is not valid Unicode"},
                new Object[] {"nested 41 deep", JSON, deep, 400, "the body nests deeper than 32 levels"},
                new Object[] {"60000 open brackets", JSON, deeper, 400, "the body is not a JSON object"},
                new Object[] {"object nested 100000 deep", JSON, "{\"a\":".repeat(10_000), 400,
                        "the body nests deeper than 32 levels"},
                new Object[] {"not UTF-8", JSON, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}, 400,
                        "the body is not UTF-8"},
                new Object[] {"over 64 KiB", JSON, huge, 413, "the body is over 65536 bytes"},
                new Object[] {"charset=bogus", "application/json; charset=bogus", "{}", 415,
                        "send application/json in UTF-8 (RFC 8259 section 8.1)"},
                new Object[] {"charset=$$", "application/json;charset=$$", "{}", 415,
                        "send application/json in UTF-8 (RFC 8259 section 8.1)"},
                new Object[] {"charset=iso-8859-1", "application/json; charset=iso-8859-1", "{}", 415,
                        "send application/json in UTF-8 (RFC 8259 section 8.1)"},
                new Object[] {"text/plain", "text/plain", "{}", 415, "send application/json"});
    }

    static Stream<Arguments> rows() {
        return routes().flatMap(route -> bodies().stream().map(body -> {
            Object[] r = route.get();
            return Arguments.of(r[0], r[1], r[2], body[0], body[1], body[2], body[3], body[4]);
        }));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}: {3} -> {6}")
    @MethodSource("rows")
    void writeWhenBodyNotAJsonObjectThenProblemAndNothingChanged(String method, String path, String watched,
            String why, String contentType, Object body, int status, String detail) {
        String token = issuer.token(scopes(path), "acme", "*");
        String before = api.send("GET", watched, token, null).body();
        byte[] bytes = body instanceof byte[] b ? b : ((String) body).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = Api.send(HttpRequest.newBuilder(api.base().resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)));

        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", Api.mediaType(Api.header(response, "Content-Type")));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("type", "about:blank");
        expected.put("title", switch (status) {
            case 400 -> "Bad Request";
            case 413 -> "Content Too Large";
            default -> "Unsupported Media Type";
        });
        expected.put("status", (long) status);
        expected.put("detail", detail);
        assertEquals(expected, Api.json(response));
        assertEquals(before, api.send("GET", watched, token, null).body(), "nothing was created or changed");
    }

    private static String scopes(String path) {
        if (path.startsWith("/paas")) {
            return "urn:opc:resource:consumer::all";
        }
        if (path.startsWith("/admin")) {
            return "urn:opc:idm:__myscopes__";
        }
        return "tenants:read tenants:update realms:read realms:create applications:read applications:create"
                + " applications:update groups:read groups:update identities:read";
    }
}
