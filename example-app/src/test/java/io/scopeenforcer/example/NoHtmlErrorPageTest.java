package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests of every kind, sent over raw sockets and {@code java.net.http} to the example app (in
 * enforcing mode, and in permissive mode so the container's own 404, 405 and form errors are reached): no
 * answer is an HTML page, a stack trace or names a Jetty class, and none is a 5xx. What writes each answer
 * (the filter, a servlet, {@code ProblemErrorHandler}) does not matter here; that nothing leaks does.
 */
class NoHtmlErrorPageTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static ExampleApp.Running permissive;

    @BeforeAll
    static void startPermissive() {
        permissive = ExampleApp.start("--port=0", "--mode=permissive");
    }

    @AfterAll
    static void stopPermissive() {
        permissive.close();
    }

    /** A raw HTTP/1.1 request, built per app so that it can carry the app's port and a real token. */
    private record Raw(String why, Function<Target, String> request) {
        @Override
        public String toString() {
            return why;
        }
    }

    /** Where a raw request goes, and a token the app accepts. */
    private record Target(URI base, String token) {
        String host() {
            return "localhost:" + base.getPort();
        }
    }

    private static Raw raw(String why, Function<Target, String> request) {
        return new Raw(why, request);
    }

    private static String get(Target t, String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + t.host() + "\r\n" + String.join("", headers)
                + "Connection: close\r\n\r\n";
    }

    private static String post(Target t, String target, boolean token, String contentType, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: " + t.host() + "\r\n"
                + (token ? "Authorization: Bearer " + t.token() + "\r\n" : "")
                + "Content-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    static Stream<Raw> rawRequests() {
        String instances = "/paas/stack/instances";
        String token = "/oauth2/v1/token";
        return Stream.of(
                raw("bad charset, public route", t -> post(t, "/health", false, "application/json; charset=bogus", "{}")),
                raw("bad charset, protected route, no token",
                        t -> post(t, instances, false, "application/json; charset=bogus", "{}")),
                raw("bad charset, protected route, token",
                        t -> post(t, instances, true, "application/json; charset=bogus", "{}")),
                raw("charset=$$, protected route, token", t -> post(t, instances, true, "application/json;charset=$$", "{}")),
                raw("form with bad charset, protected route, no token",
                        t -> post(t, instances, false, FORM + "; charset=bogus", "a=b")),
                raw("form with bad charset, protected route, token",
                        t -> post(t, instances, true, FORM + "; charset=bogus", "a=b")),
                raw("form with %ZZ, protected route, token", t -> post(t, instances, true, FORM, "a=%ZZ")),
                raw("form with %ZZ, protected route, no token", t -> post(t, instances, false, FORM, "a=%ZZ")),
                raw("form with %ZZ, token endpoint", t -> post(t, token, false, FORM, "a=%ZZ&grant_type=client_credentials")),
                raw("form with charset=bogus, token endpoint",
                        t -> post(t, token, false, FORM + "; charset=bogus", "grant_type=client_credentials")),
                raw("form with charset=$$, token endpoint",
                        t -> post(t, token, false, FORM + "; charset=$$", "grant_type=client_credentials")),
                raw("JSON with charset=bogus, token endpoint", t -> post(t, token, false, "application/json; charset=bogus", "{}")),
                raw("2000 form keys, token endpoint", t -> post(t, token, false, FORM,
                        String.join("&", java.util.Collections.nCopies(2000, "k=v")))),
                raw("JSON null body", t -> post(t, instances, true, "application/json", "null")),
                raw("truncated JSON body", t -> post(t, instances, true, "application/json", "{\"name\":")),
                raw("bad percent-encoding in the path", t -> get(t, "/paas/%ZZ/reports")),
                raw("bad percent-encoding in the query", t -> get(t, "/health?a=%ZZ")),
                raw("encoded NUL in the path", t -> get(t, "/health%00")),
                raw("encoded slash and dots", t -> get(t, "/health/..%2fadmin/v1/Users")),
                raw("control character in the path", t -> get(t, "/hea\u0001lth")),
                raw("control character in a header", t -> get(t, "/health", "X-Test: a\u0001b\r\n")),
                raw("space in the target", t -> "GET /he alth HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n"),
                raw("huge header", t -> get(t, "/health", "X-Big: " + "a".repeat(64 * 1024) + "\r\n")),
                raw("many headers", t -> get(t, "/health", "X-Many: a\r\n".repeat(3000))),
                raw("huge target", t -> get(t, "/health?" + "a".repeat(100 * 1024))),
                raw("absolute-form target", t -> get(t, "http://" + t.host() + "/health")),
                raw("absolute-form target, other host", t -> get(t, "http://evil.example/admin/v1/Users")),
                raw("absolute-form target, bad scheme", t -> get(t, "gopher://x/health")),
                raw("asterisk-form GET", t -> get(t, "*")),
                raw("no Host", t -> "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"),
                raw("two Host headers", t -> get(t, "/health", "Host: other.example\r\n")),
                raw("garbage request line", t -> "GARBAGE\r\n\r\n"),
                raw("unknown HTTP version", t -> "GET /health HTTP/9.9\r\nHost: " + t.host() + "\r\n\r\n"),
                raw("bad Content-Length", t -> "POST /paas/stack/instances HTTP/1.1\r\nHost: " + t.host()
                        + "\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}"),
                raw("Content-Length and chunked", t -> "POST /paas/stack/instances HTTP/1.1\r\nHost: " + t.host()
                        + "\r\nAuthorization: Bearer " + t.token() + "\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"),
                raw("bad chunk size", t -> "POST /paas/stack/instances HTTP/1.1\r\nHost: " + t.host()
                        + "\r\nAuthorization: Bearer " + t.token() + "\r\nContent-Type: application/json"
                        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"),
                raw("unknown path", t -> get(t, "/nothing/here")),
                raw("unsupported method on a servlet", t -> "PUT /health HTTP/1.1\r\nHost: " + t.host()
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                raw("DELETE on the token endpoint", t -> "DELETE /oauth2/v1/token HTTP/1.1\r\nHost: " + t.host()
                        + "\r\nConnection: close\r\n\r\n"));
    }

    static Stream<Arguments> rawRows() {
        return rawRequests().flatMap(r -> Stream.of(Arguments.of("enforcing", r), Arguments.of("permissive", r)));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("rawRows")
    void rawRequestWhenMalformedThenNoHtmlNoStackTraceNo5xx(String mode, Raw request) {
        URI base = mode.equals("enforcing") ? Api.shared().base() : permissive.baseUri();
        String token = Api.shared().token("account-client");
        String sent = request.request().apply(new Target(base, token));

        String answer = exchange(base, sent);

        assertFalse(answer.isEmpty(), "the server answers, even if only to say no");
        int end = answer.indexOf("\r\n\r\n");
        String head = end < 0 ? answer : answer.substring(0, end);
        String body = end < 0 ? "" : answer.substring(end + 4);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        // 505 is the one 5xx RFC 9110 §15.6.6 assigns to the client's mistake (an HTTP version the server
        // does not speak), and it is Jetty's answer before any request exists.
        assertTrue(status < 500 || (status == 505 && sent.contains("HTTP/9.9")), head + "\n\n" + body);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("jetty"), "no server name or version: " + head);
        assertNoLeak(body);
        if (!body.isEmpty()) {
            String type = contentType(head);
            assertTrue(type.startsWith("application/problem+json") || type.startsWith("application/json"), head);
        }
    }

    static Stream<Arguments> clientRequests() {
        return Stream.of(
                // why | method | path | content type | body | with a token
                Arguments.of("bad charset on GET, public", "GET", "/health", "text/plain; charset=bogus", "", false),
                Arguments.of("bad charset on GET, protected, no token", "GET", "/paas/analytics/reports",
                        "text/plain; charset=bogus", "", false),
                Arguments.of("bad charset on GET, protected, token", "GET", "/paas/analytics/reports",
                        "text/plain; charset=bogus", "", true),
                Arguments.of("bad charset on whoami", "GET", "/whoami", "application/json; charset=\"\"", "", true),
                Arguments.of("form charset=$$ on PUT", "PUT", "/paas/stack/instances/inst-3", FORM + "; charset=$$",
                        "a=b", true),
                Arguments.of("form with %ZZ on PATCH", "PATCH", "/paas/stack/instances/inst-3", FORM, "a=%ZZ", true),
                Arguments.of("JSON [] on PUT", "PUT", "/paas/stack/instances/inst-3", "application/json", "[]", true),
                Arguments.of("deep JSON on POST", "POST", "/paas/stack/instances", "application/json",
                        "[".repeat(50_000), true),
                Arguments.of("70 KB JSON on POST", "POST", "/paas/stack/instances", "application/json",
                        "{\"a\":\"" + "x".repeat(70_000) + "\"}", true),
                Arguments.of("Accept text/html on an error", "GET", "/nothing", null, "", false));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("clientRequests")
    void clientRequestWhenMalformedThenNoHtmlNoStackTraceNo5xx(String why, String method, String path,
                                                               String contentType, String body, boolean token) {
        for (URI base : List.of(Api.shared().base(), permissive.baseUri())) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .header("Accept", "text/html")
                    .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (token) {
                request.header("Authorization", "Bearer " + Api.shared().token("account-client"));
            }
            HttpResponse<String> response = Api.send(request);

            assertTrue(response.statusCode() < 500, base + ": " + response.statusCode() + " " + response.body());
            assertNoLeak(response.body());
        }
    }

    /** A servlet bug: the container's 500 is problem+json with a fixed detail, not the exception. */
    @Test
    void errorHandlerWhenServletThrowsThenProblemJsonWithoutTheException() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        connector.setHost("localhost");
        server.addConnector(connector);
        server.setErrorHandler(new ProblemErrorHandler.ForServer());
        ServletContextHandler context = new ServletContextHandler();
        context.setErrorHandler(new ProblemErrorHandler.ForContext());
        context.addServlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                throw new IllegalStateException("secret internal detail at io.example.Bug");
            }
        }, "/bug");
        server.setHandler(context);
        server.start();
        try {
            HttpResponse<String> response = Api.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + connector.getLocalPort() + "/bug?q=%3Cscript%3E")));

            assertEquals(500, response.statusCode());
            assertEquals("application/problem+json", Api.mediaType(Api.header(response, "Content-Type")));
            assertEquals("{\"type\":\"about:blank\",\"title\":\"Server Error\",\"status\":500,"
                    + "\"detail\":\"the server failed to answer this request\"}", response.body());
        } finally {
            server.stop();
        }
    }

    private static void assertNoLeak(String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<html"), body);
        assertFalse(lower.contains("<!doctype"), body);
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("\tat "), body);
        assertFalse(body.contains("at io."), body);
        assertFalse(body.contains("org.eclipse.jetty"), body);
    }

    private static String contentType(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Type")) {
                return line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    /** Sends bytes as they are (ISO-8859-1, so control characters go out raw) and reads until the server closes. */
    private static String exchange(URI base, String request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (SocketException e) {
                // The server may answer and close before a huge request is all written: read what it said.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | SocketException e) {
                // A reset or a kept-alive connection after the answer: keep what arrived.
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
