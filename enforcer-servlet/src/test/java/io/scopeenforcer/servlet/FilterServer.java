package io.scopeenforcer.servlet;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.VerifiedToken;
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
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A web app as a user would deploy it, on a {@link FilterContainer} (real Jetty 12 unless told otherwise) on a
 * random loopback port: the filter declared by class name with init-params in a {@code web.xml} the container
 * parses, in front of an {@link EchoServlet}, plus a {@link HttpClient} and a raw-socket client for request lines no well-behaved
 * client sends. Thread-safe; close it after the test (or let {@link FilterHarness} do it).
 */
final class FilterServer implements AutoCloseable {

    /** The policy of issue 4: the demo routes plus the management-API convention. */
    static final String POLICY = """
            # methods            path                    requirement
            GET                   /health                 public
            GET,HEAD              /paas/{service}/**      urn:opc:resource:consumer:paas:{service}::read
            POST,PUT,PATCH,DELETE /paas/{service}/**      urn:opc:resource:consumer:paas:{service}::write
            *                     /admin/v1/**            admin
            GET                   /me                     authenticated
            include management-api
            """;
    /** The resource identifier of the RFC 9728 metadata. */
    static final String RESOURCE = "https://api.example.test";
    /** Where {@link #RESOURCE}'s metadata is, per RFC 9728 §3.1. */
    static final String METADATA_URL = RESOURCE + "/.well-known/oauth-protected-resource";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final FilterContainer.Running app;
    private final String host;
    private final int port;
    private final String contextPath;
    private final HttpClient client;

    private FilterServer(FilterContainer.Running app) {
        this.app = app;
        URI base = app.baseUri();
        this.host = base.getHost();
        this.port = base.getPort();
        this.contextPath = base.getRawPath() == null ? "" : base.getRawPath();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /** Starts Jetty with this context path ({@code /} or e.g. {@code /app}) and these filter init-params. */
    static FilterServer start(String contextPath, Map<String, String> initParams) {
        return start(contextPath, initParams, Map.of());
    }

    /** Starts Jetty with filter init-params and context params ({@code <context-param>}). */
    static FilterServer start(String contextPath, Map<String, String> initParams, Map<String, String> contextParams) {
        return start(JettyContainer.INSTANCE, new FilterContainer.Deployment(contextPath, initParams, contextParams));
    }

    /** Starts this deployment on this container. */
    static FilterServer start(FilterContainer container, FilterContainer.Deployment deployment) {
        return new FilterServer(container.start(deployment));
    }

    /**
     * The init-params of a typical deployment: keys from {@code jwks}, issuer and audience of {@link TestIssuer}
     * defaults, {@link #POLICY} written to a file in {@code dir}, enforcing mode, realm {@code api}, RFC 9728
     * metadata for {@link #RESOURCE}. Mutable, so a test can change one.
     */
    static Map<String, String> params(TestIssuer idp, JwksServer jwks, Path dir) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("issuer", idp.issuer());
        params.put("jwks-uri", jwks.uri().toString());
        params.put("audience", TestIssuer.DEFAULT_AUDIENCE);
        params.put("policy", writePolicy(dir, POLICY).toString());
        params.put("mode", "enforcing");
        params.put("realm", "api");
        params.put("resource-metadata", RESOURCE);
        return params;
    }

    /** Writes policy text to {@code dir/policy.txt}. */
    static Path writePolicy(Path dir, String text) {
        try {
            return Files.writeString(dir.resolve("policy.txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The filter instance the container made and initialized. */
    ScopeEnforcementFilter filter() {
        return app.filter();
    }

    /** Decisions the filter has made so far (allowed plus denied): to tell whether a request got as far as it. */
    long decisions() {
        ScopeEnforcementFilter.Stats stats = filter().stats();
        return stats.allowed() + stats.deniedByReason().values().stream().mapToLong(Long::longValue).sum();
    }

    int port() {
        return port;
    }

    /** The context path, "" for the root context. */
    String contextPath() {
        return contextPath;
    }

    /** {@code GET} of a path within the context, through {@link HttpClient}. */
    Reply get(String path, String... headers) {
        return send(Request.of("GET", path, headers));
    }

    /** Sends a request: through {@link HttpClient}, or as raw bytes when {@link Request#raw()} is set. */
    Reply send(Request request) {
        if (request.raw() != null) {
            return raw(request.raw().replace("{ctx}", contextPath));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUri() + request.target())).timeout(TIMEOUT);
        for (int i = 0; i < request.headers().size(); i += 2) {
            b.header(request.headers().get(i), request.headers().get(i + 1));
        }
        b.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(request.body()));
        try {
            HttpResponse<String> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // A denial answered before the request body was read leaves the container closing the connection;
                // java.net.http may have already picked that pooled connection for this request and then sees "no
                // bytes". That is the client's pool, not the server's answer: send once more, on a new connection.
                if (!String.valueOf(stale.getMessage()).contains("received no bytes")) {
                    throw stale;
                }
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            r.headers().map().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            return new Reply(r.statusCode(), headers, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes these bytes (ISO-8859-1) to a fresh connection and reads the answer until the server closes it.
     * Status 0 means the server closed the connection without answering.
     */
    Reply raw(String requestText) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(requestText.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                    if (complete(received.toString(StandardCharsets.ISO_8859_1))) {
                        break; // a server may keep the connection open (Jetty after a CONNECT), however asked
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // reset or stalled after the answer: keep what arrived
            }
            return Reply.parse(received.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the text holds a whole final answer: past any 1xx interim answers (RFC 9110 §15.2), a head and as
     * many body bytes as its Content-Length says. Without a Content-Length, only the close ends it.
     */
    private static boolean complete(String text) {
        int start = 0;
        while (true) {
            int end = text.indexOf("\r\n\r\n", start);
            if (end < 0) {
                return false;
            }
            String head = text.substring(start, end);
            if (head.startsWith("HTTP/1.1 1")) {
                start = end + 4;
                continue;
            }
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Length")) {
                    try {
                        return text.length() - (end + 4) >= Long.parseLong(line.substring(colon + 1).strip());
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return false;
        }
    }

    /** Stops the container; closing twice is harmless. */
    @Override
    public void close() {
        app.close();
    }

    /**
     * One request. {@code headers} alternate name and value. {@code raw} (with {@code {ctx}} for the context
     * path) replaces everything else and is sent over a plain socket.
     */
    record Request(String method, String target, List<String> headers, String body, String raw) {
        static Request of(String method, String target, String... headers) {
            return new Request(method, target, List.of(headers), null, null);
        }

        static Request form(String target, String body, String... headers) {
            List<String> all = new ArrayList<>(List.of(headers));
            all.add("Content-Type");
            all.add("application/x-www-form-urlencoded");
            return new Request("POST", target, all, body, null);
        }

        /** A raw HTTP/1.1 request: the request line, then header lines, joined with CRLF and closed. */
        static Request raw(String requestLine, String... headerLines) {
            StringBuilder text = new StringBuilder(requestLine).append("\r\n");
            text.append("Host: 127.0.0.1\r\n");
            for (String line : headerLines) {
                text.append(line).append("\r\n");
            }
            text.append("Connection: close\r\n\r\n");
            return new Request(null, requestLine, List.of(), null, text.toString());
        }

        @Override
        public String toString() {
            return raw != null ? "raw " + raw.lines().findFirst().orElse("") : method + " " + target;
        }
    }

    /** An answer: status, headers (case-insensitive names) and body. */
    record Reply(int status, Map<String, List<String>> headers, String body) {

        /** The only value of a header, or null; fails when the header is repeated. */
        String header(String name) {
            List<String> values = headers.get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                throw new AssertionError(name + " repeated: " + values);
            }
            return values.get(0);
        }

        /** Headers and body as one text, to look for what must never be echoed. */
        String everything() {
            StringBuilder all = new StringBuilder();
            headers.forEach((name, values) -> values.forEach(v -> all.append(name).append(": ").append(v).append('\n')));
            return all.append('\n').append(body).toString();
        }

        /** The echo servlet's {@code key=value} lines. */
        Map<String, String> echo() {
            Map<String, String> lines = new LinkedHashMap<>();
            body.lines().forEach(line -> {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    lines.put(line.substring(0, eq), line.substring(eq + 1));
                }
            });
            return lines;
        }

        static Reply parse(String text) {
            if (text.isEmpty()) {
                return new Reply(0, Map.of(), "");
            }
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).strip());
                }
            }
            return new Reply(Integer.parseInt(statusLine[1]), headers, body);
        }
    }

    /**
     * Echoes what the application sees, one {@code key=value} per line: method, request URI, principal, auth type,
     * {@code isUserInRole} for the {@code role} query parameter, and the verified token's subject. With request header
     * {@code X-Echo: body}, first the length and SHA-256 of the body as read from {@code getInputStream()} and the
     * raw {@code Content-Type}; with {@code X-Echo: params}, the visible parameter names, {@code _method} and
     * whether {@code access_token} is present.
     */
    public static final class EchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        /** Public, with its class: the container makes it from {@code web.xml}'s {@code <servlet-class>}. */
        public EchoServlet() {
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder out = new StringBuilder();
            out.append("reached=true\n");
            if ("body".equals(req.getHeader("X-Echo"))) {
                // The body exactly as the application reads it, before anything asks for parameters.
                byte[] body = req.getInputStream().readAllBytes();
                out.append("bodyLength=").append(body.length).append('\n');
                out.append("bodySha256=").append(sha256(body)).append('\n');
                // The header as the application sees it: the filter never rewrites it (nor reads the charset).
                out.append("contentType=").append(Objects.toString(req.getHeader("Content-Type"), "")).append('\n');
            }
            out.append("method=").append(req.getMethod()).append('\n');
            out.append("uri=").append(req.getRequestURI()).append('\n');
            out.append("principal=").append(req.getUserPrincipal() == null ? "" : req.getUserPrincipal().getName())
                    .append('\n');
            out.append("remoteUser=").append(Objects.toString(req.getRemoteUser(), "")).append('\n');
            out.append("authType=").append(Objects.toString(req.getAuthType(), "")).append('\n');
            // Only when the query names a role: getParameter would parse a form body too, and a body the container
            // cannot parse (bad charset, a=%ZZ) would turn this echo into the container's 400 page.
            String query = req.getQueryString();
            String role = query != null && query.contains("role=") ? req.getParameter("role") : null;
            if (role != null) {
                out.append("role=").append(req.isUserInRole(role)).append('\n');
            }
            if ("params".equals(req.getHeader("X-Echo"))) {
                out.append("params=").append(String.join(",", new java.util.TreeSet<>(req.getParameterMap().keySet())))
                        .append('\n');
                out.append("_method=").append(Objects.toString(req.getParameter("_method"), "")).append('\n');
                out.append("access_token=").append(req.getParameterValues("access_token") == null ? "" : "present")
                        .append('\n');
            }
            Object token = req.getAttribute(ScopeEnforcementFilter.TOKEN_ATTRIBUTE);
            out.append("subject=").append(token instanceof VerifiedToken t ? t.subject() : "").append('\n');
            out.append("tenant=").append(token instanceof VerifiedToken t ? Objects.toString(t.tenant(), "") : "")
                    .append('\n');
            resp.setStatus(200);
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write(out.toString());
        }

        static String sha256(byte[] bytes) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
