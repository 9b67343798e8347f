package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Assertions for the hostile-input tables: a denial is an exact RFC 9457 document (status, detail, the
 * {@code reason} and {@code error} members, required scopes) that never reached the application; an allow
 * reached the echo servlet.
 */
final class Denials {

    /** The fixed part of every challenge of the harness's typical deployment. */
    static final String CHALLENGE = "Bearer realm=\"api\", resource_metadata=\"" + FilterServer.METADATA_URL + "\"";

    private Denials() {
    }

    /**
     * Asserts the filter's denial and that the application never saw the request.
     *
     * @param reason the body's {@code reason}, lower case (e.g. {@code tenant_mismatch})
     * @param requiredScopes the body's {@code required_scopes}, or null when absent
     */
    static void assertDenied(Reply reply, int status, String detail, String reason, List<String> requiredScopes) {
        assertNot5xx(reply);
        assertProblem(reply, status, detail, requiredScopes);
        Map<String, Object> json = json(reply);
        assertEquals(reason, json.get("reason"), reply::body);
        assertEquals(error(reason), json.get("error"), reply::body);
        assertNull(reply.echo().get("reached"), () -> "a denied request reached the application: " + reply.body());
        assertEquals(challenge(reason, detail, requiredScopes), reply.header("WWW-Authenticate"));
    }

    /** Asserts a 200 from the echo servlet. */
    static void assertReached(Reply reply) {
        assertNot5xx(reply);
        assertEquals(200, reply.status(), reply::body);
        assertEquals("true", reply.echo().get("reached"), reply::body);
    }

    /** The RFC 6750 §3 error code that goes with a reason. */
    private static String error(String reason) {
        return switch (reason) {
            case "invalid_request" -> "invalid_request";
            case "invalid_token" -> "invalid_token";
            case "tenant_mismatch", "realm_mismatch", "insufficient_scope", "consumer_all_on_admin" ->
                    "insufficient_scope";
            default -> null;
        };
    }

    /** The exact challenge of a denial: none for no_rule and 405, a bare one without a token. */
    private static String challenge(String reason, String detail, List<String> requiredScopes) {
        String error = error(reason);
        if (reason.equals("missing_token")) {
            return CHALLENGE;
        }
        if (error == null) {
            return null;
        }
        String challenge = CHALLENGE + ", error=\"" + error + "\", error_description=\"" + detail + "\"";
        if (requiredScopes != null && !requiredScopes.isEmpty()) {
            challenge += ", scope=\"" + String.join(" ", requiredScopes) + "\"";
        }
        return challenge;
    }

    static Map<String, Object> json(Reply reply) {
        try {
            return JSONObjectUtils.parse(reply.body());
        } catch (ParseException e) {
            throw new AssertionError("not JSON: " + reply.body(), e);
        }
    }
}
