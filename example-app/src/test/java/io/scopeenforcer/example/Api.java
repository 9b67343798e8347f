package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A real HTTP client for an app under test, with the few shortcuts the end-to-end tests share. */
final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static ExampleApp.Running shared;

    private final URI base;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    Api(URI base) {
        this.base = base;
    }

    /** One development-issuer app for the whole test run: starting Jetty once keeps the module's tests quick. */
    static synchronized Api shared() {
        if (shared == null) {
            shared = ExampleApp.start("--port=0");
        }
        return new Api(shared.baseUri());
    }

    URI base() {
        return base;
    }

    /** A request with an optional bearer token and optional JSON body. */
    HttpResponse<String> send(String method, String path, String bearer, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        return send(request);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POSTs a form to the token endpoint, with HTTP Basic for {@code basicClient} when not null. */
    HttpResponse<String> tokenRequest(String basicClient, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(TokenEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (basicClient != null) {
            request.header("Authorization", basic(basicClient, DemoClients.secretOf(basicClient)));
        }
        return send(request);
    }

    /** A client_credentials token for {@code client}, with its default scopes (cached per client). */
    String token(String client) {
        return tokens.computeIfAbsent(client, c -> token(c, null));
    }

    /** A fresh client_credentials token response; {@code scope} null for the client's defaults. */
    Map<String, Object> grant(String client, String scope) {
        HttpResponse<String> response = tokenRequest(client,
                "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + form(scope)));
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    String token(String client, String scope) {
        return (String) grant(client, scope).get("access_token");
    }

    static String basic(String id, String secret) {
        String pair = form(id) + ":" + form(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static Map<String, Object> json(HttpResponse<String> response) {
        try {
            return JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            throw new AssertionError("not a JSON object: " + response.body(), e);
        }
    }

    /** The media type of a Content-Type value, without parameters, in lower case. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
