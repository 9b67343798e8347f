package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/** Assertions on the filter's answers: RFC 9457 problem bodies, and what must never be in any answer. */
final class Problems {

    /** Titles of RFC 9110 §15, as the problem documents carry them. */
    private static final Map<Integer, String> TITLES = Map.of(400, "Bad Request", 401, "Unauthorized", 403,
            "Forbidden", 405, "Method Not Allowed", 503, "Service Unavailable");

    private Problems() {
    }

    /** The filter's own answer: a problem+json body with status, title, detail and, for 403, required_scopes. */
    static boolean isFromFilter(Reply reply) {
        String type = reply.header("Content-Type");
        return type != null && type.startsWith("application/problem+json");
    }

    /**
     * Asserts an RFC 9457 problem document.
     *
     * @param requiredScopes the expected {@code required_scopes}, or null when the member must be absent
     */
    static void assertProblem(Reply reply, int status, String detail, List<String> requiredScopes) {
        assertEquals(status, reply.status(), reply::body);
        assertTrue(isFromFilter(reply), () -> "not problem+json: " + reply.headers());
        assertEquals("no-store", reply.header("Cache-Control"));
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(reply.body());
        } catch (ParseException e) {
            throw new AssertionError("not JSON: " + reply.body(), e);
        }
        assertEquals((long) status, json.get("status"));
        assertEquals(TITLES.get(status), json.get("title"));
        assertEquals(detail, json.get("detail"));
        if (requiredScopes == null) {
            assertFalse(json.containsKey("required_scopes"), reply::body);
        } else {
            assertEquals(requiredScopes, json.get("required_scopes"), reply::body);
        }
        if (status == 403) {
            assertNotNull(json.get("required_scopes"), "every 403 names the required scopes (maybe none)");
        }
    }

    /**
     * Asserts that neither the headers nor the body hold a secret, or any dot-separated part of one of 8 or more
     * characters (a JWT's header, payload or signature), nor a stack trace.
     */
    static void assertNothingEchoed(Reply reply, String... secrets) {
        String all = reply.everything();
        for (String secret : secrets) {
            if (secret == null) {
                continue;
            }
            assertFalse(all.contains(secret), () -> "echoed a secret: " + all);
            for (String part : secret.split("[. ]")) {
                if (part.length() >= 8) {
                    assertFalse(all.contains(part), () -> "echoed part of a secret: " + all);
                }
            }
        }
        assertFalse(all.contains("Exception") || all.contains("\tat ") || all.contains("at io.scopeenforcer"),
                () -> "stack trace: " + all);
    }

    /** Never a server error for client input. */
    static void assertNot5xx(Reply reply) {
        assertTrue(reply.status() < 500, () -> "server error " + reply.status() + ": " + reply.body());
    }

    static List<String> none() {
        return List.of();
    }
}
