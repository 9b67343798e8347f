package io.scopeenforcer.token;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One issuer's RFC 7662 token introspection endpoint, for opaque (non-JWT) access tokens: a {@code POST} of
 * {@code token} and {@code token_type_hint=access_token} (§2.1) with HTTP Basic client authentication (§2.1 requires
 * the protected resource to authenticate), answered by a JSON object whose {@code active} must be {@code true}
 * (§2.2). Connect and read timeouts, a deadline on the whole call (connect, request, status and body: an endpoint that
 * drips its answer cannot hold a request thread past it) and a size limit bound each call, as for a JWKS fetch.
 * Neither the token nor the
 * client secret is ever logged or put in an exception message. Thread-safe.
 */
final class TokenIntrospection {

    static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 1_000;
    static final int DEFAULT_READ_TIMEOUT_MILLIS = 2_000;
    static final int SIZE_LIMIT = 64 * 1024;
    /** The whole call's deadline: one connect timeout plus one read timeout, as a JWKS fetch's. */
    static final int DEFAULT_DEADLINE_MILLIS = DEFAULT_CONNECT_TIMEOUT_MILLIS + DEFAULT_READ_TIMEOUT_MILLIS;

    private final URI endpoint;
    private final URL url;
    private final String authorization;

    TokenIntrospection(URI endpoint, String clientId, String clientSecret) {
        DiscoveredJwksSource.checkHttps(endpoint, false, "introspection endpoint");
        if (clientId == null || clientId.isEmpty() || clientSecret == null || clientSecret.isEmpty()) {
            throw new IllegalArgumentException("introspection needs a client id and secret (RFC 7662 §2.1)");
        }
        this.endpoint = endpoint;
        try {
            this.url = endpoint.toURL();
        } catch (IOException e) {
            throw new IllegalArgumentException("introspection endpoint is not a valid URL", e);
        }
        // RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for Basic.
        String pair = form(clientId) + ":" + form(clientSecret);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The endpoint's answer for this token, as a JSON object; null when it is not one.
     *
     * @throws IOException when the endpoint cannot be reached, answers a status other than 200, or answers more
     *     than the size limit
     */
    Map<String, Object> introspect(String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        // Each read is bounded by the read timeout, the whole exchange by this: at the deadline the connection is
        // disconnected, and the read under way (at most one read timeout more) or the next one fails like any other
        // I/O failure (503, keys unavailable).
        ScheduledFuture<?> deadline = DeadlineResourceRetriever.disconnectAfter(connection, DEFAULT_DEADLINE_MILLIS);
        long deadlineNanos = System.nanoTime() + DEFAULT_DEADLINE_MILLIS * 1_000_000L;
        try {
            connection.setConnectTimeout(DEFAULT_CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(DEFAULT_READ_TIMEOUT_MILLIS);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setDoOutput(true);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Authorization", authorization);
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            connection.setRequestProperty("Accept", "application/json");
            byte[] body = ("token=" + form(token) + "&token_type_hint=access_token").getBytes(StandardCharsets.UTF_8);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("introspection endpoint answered HTTP " + status);
            }
            try (InputStream in = connection.getInputStream()) {
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    // Checked here too: on JDK 25 the disconnect does not end a chunked read that keeps receiving.
                    if (System.nanoTime() - deadlineNanos > 0) {
                        throw new IOException("introspection answer not complete within " + DEFAULT_DEADLINE_MILLIS
                                + " ms");
                    }
                    if (received.size() + n > SIZE_LIMIT) {
                        throw new IOException("introspection answer exceeds " + SIZE_LIMIT + " bytes");
                    }
                    received.write(buffer, 0, n);
                }
                return ClaimsJson.parse(received.toByteArray());
            }
        } finally {
            deadline.cancel(false);
            connection.disconnect();
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
