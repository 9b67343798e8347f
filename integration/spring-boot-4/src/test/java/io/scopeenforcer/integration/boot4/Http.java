package io.scopeenforcer.integration.boot4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Real HTTP to the running application (java.net.http), and the assertions on the filter's answers. */
final class Http {

    /** The resource identifier the application is configured with (scope-enforcer.resource-metadata). */
    static final String RESOURCE = "https://api.example.test";
    /** The issuer the application trusts (scope-enforcer.issuer). */
    static final String ISSUER = "https://idp.example.test";
    /** The fixed part of every challenge: realm and the RFC 9728 resource_metadata URL. */
    static final String CHALLENGE = "Bearer realm=\"api\", resource_metadata=\"" + RESOURCE
            + "/.well-known/oauth-protected-resource\"";

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /** One answer: status, the headers the tests read, and the body. */
    record Reply(int status, String contentType, String challenge, String cacheControl, String body) {

        /** The body as a JSON object. */
        Map<String, Object> json() {
            try {
                return JSONObjectUtils.parse(body);
            } catch (ParseException e) {
                throw new AssertionError("not a JSON object: " + body, e);
            }
        }
    }

    /** Sends {@code method path} to the application on {@code port}, with a bearer token unless it is null. */
    static Reply send(int port, String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), header(response, "Content-Type"),
                    header(response, "WWW-Authenticate"), header(response, "Cache-Control"), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(method + " " + path + " interrupted", e);
        }
    }

    private static String header(HttpResponse<String> response, String name) {
        List<String> values = response.headers().allValues(name);
        assertTrue(values.size() <= 1, () -> name + " more than once: " + values);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The challenge of a 401 {@code invalid_token} (RFC 6750 §3.1). */
    static String invalidToken(String description) {
        return CHALLENGE + ", error=\"invalid_token\", error_description=\"" + description + "\"";
    }

    /** The challenge of a 403 {@code insufficient_scope} naming {@code scope} (RFC 6750 §3.1). */
    static String insufficientScope(String description, String scope) {
        return CHALLENGE + ", error=\"insufficient_scope\", error_description=\"" + description + "\", scope=\""
                + scope + "\"";
    }

    /**
     * Asserts the filter's denial: status, exact challenge, an RFC 9457 problem+json body with this detail, this
     * RFC 6750 {@code error} and {@code required_scopes} (null: absent), {@code Cache-Control: no-store}, and
     * nothing of the token echoed.
     */
    static void assertDenial(Reply reply, int status, String challenge, String detail, String error,
            List<String> requiredScopes, String token) {
        assertEquals(status, reply.status(), reply::body);
        assertEquals(challenge, reply.challenge());
        assertTrue(reply.contentType() != null && reply.contentType().startsWith("application/problem+json"),
                () -> "not problem+json: " + reply);
        assertEquals("no-store", reply.cacheControl());
        Map<String, Object> problem = reply.json();
        assertEquals((long) status, problem.get("status"));
        assertEquals(detail, problem.get("detail"));
        assertEquals(error, problem.get("error"), reply::body);
        if (requiredScopes == null) {
            assertFalse(problem.containsKey("required_scopes"), reply::body);
        } else {
            assertEquals(requiredScopes, problem.get("required_scopes"), reply::body);
        }
        if (token != null) {
            for (String part : token.split("\\.")) {
                assertFalse(part.length() >= 8 && reply.body().contains(part), "the answer echoes the token");
            }
        }
    }
}
