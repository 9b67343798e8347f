package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.scopeenforcer.example.api.ServedPathFilter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example app behind a real nginx, in the two common {@code proxy_pass} shapes, with the hostile paths of
 * the path firewall's tables ({@code PathFirewallTest}, {@code PathFirewallFuzzTest}'s dictionary) mounted on
 * real routes and aimed at {@code /admin/v1/...} and at other tenants, each sent with real tokens of the
 * development issuer's demo clients (README "Development issuer") and with none.
 *
 * <ul>
 *   <li>{@code RAW}: {@code proxy_pass http://127.0.0.1:<app>;} (no URI part) and {@code merge_slashes off}, the
 *       configuration README recommends: nginx forwards the request URI as the client sent it, so the filter
 *       canonicalizes the client's bytes.</li>
 *   <li>{@code NORMALIZING}: {@code proxy_pass http://127.0.0.1:<app>/;}: nginx forwards its own reading of
 *       the path, percent-decoded, dot segments resolved, {@code //} merged ({@code merge_slashes} on), then
 *       re-escaped only where it must (space, {@code %}, {@code ?}, {@code #}, controls, non-ASCII), so
 *       {@code %2F} becomes a separator and {@code %3B} a path parameter.</li>
 * </ul>
 *
 * <p>The property: <b>no request through the proxy is let through by the filter unless the same token is let
 * through on the path the application finally served</b>, asked directly. The app's {@code X-Served-Path} test
 * aid ({@link ServedPathFilter}, mapped after the enforcement filter) names that path. Each row also says
 * exactly what nginx forwards in each shape, checked by comparing status, body and challenge with a direct
 * request for that target; nginx's own 400s (a request line or a path above the root it refuses) are
 * accepted oddities, recorded as such in the table. The path firewall's CVEs (CVE-2020-1957, CVE-2021-28164,
 * CVE-2016-5007, CVE-2020-11989...) are parser differentials of exactly this kind: README "Behind a proxy".
 */
class BehindNginxTest {

    /** The target is forwarded byte for byte. */
    private static final String SAME = "(as sent)";
    /** nginx answers 400 itself and never contacts the app. */
    private static final String NGINX_400 = "(nginx 400)";

    /** The demo clients whose tokens every path is tried with; null is no token. */
    private static final List<String> CLIENTS = Arrays.asList(null, "paas-reader", "account-client", "idm-admin",
            "acme-console", "globex-console");

    private static final String ADMIN = "/admin/v1/Users";
    private static final String ACME = "/v1/tenants/acme/realms/prod/applications";
    private static final String GLOBEX = "/v1/tenants/globex/realms/main/applications";
    private static final String REPORTS = "/paas/analytics/reports";

    enum Shape {
        /** README "Behind a proxy", as written there. */
        RAW("merge_slashes off;", "proxy_pass http://127.0.0.1:%d;"),
        /** The other common shape, with nginx's defaults. */
        NORMALIZING("", "proxy_pass http://127.0.0.1:%d/;");

        private final String server;
        private final String proxyPass;

        Shape(String server, String proxyPass) {
            this.server = server;
            this.proxyPass = proxyPass;
        }

        /** The server block's body; X-Forwarded-* as a typical deployment sets them, which the filter ignores. */
        String serverBody(int appPort) {
            return """
                    %s
                    location / {
                      %s
                      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                      proxy_set_header X-Forwarded-Proto $scheme;
                      proxy_set_header X-Forwarded-Host $host;
                    }
                    """.formatted(server, proxyPass.formatted(appPort));
        }
    }

    @TempDir
    static Path dir;
    private static ExampleApp.Running app;
    private static Nginx nginx;
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    /** Direct answers by target and client: the app's data is never changed here (GET only). */
    private static final Map<String, Reply> DIRECT = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        app = ExampleApp.start("--port=0");
        Map<String, String> servers = new LinkedHashMap<>();
        for (Shape shape : Shape.values()) {
            servers.put(shape.name(), shape.serverBody(app.port()));
        }
        nginx = Nginx.start(dir, servers);
        Api api = new Api(app.baseUri());
        for (String client : CLIENTS) {
            if (client != null) {
                TOKENS.put(client, api.token(client));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static Arguments row(String target, String raw, String normalizing) {
        return Arguments.of(target, raw, normalizing);
    }

    /**
     * Target as sent | what nginx forwards with {@code proxy_pass http://app;} | with {@code proxy_pass
     * http://app/;}. Observed with nginx 1.22 (Debian 12).
     */
    static Stream<Arguments> corpus() {
        return Stream.of(
                // Plain routes: the baseline every token is compared on.
                row("/health", SAME, SAME),
                row("/whoami", SAME, SAME),
                row(REPORTS, SAME, SAME),
                row(REPORTS + "/", SAME, SAME),
                row(ADMIN, SAME, SAME),
                row(ACME, SAME, SAME),
                row(GLOBEX, SAME, SAME),
                row("/ADMIN/v1/Users", SAME, SAME),
                // Toward the admin API from a path paas-reader may read. ";" (CVE-2020-1957, CVE-2016-5007):
                // nginx gives it no meaning in either shape.
                row(REPORTS + "/..;/..;/..;" + ADMIN, SAME, SAME),
                row("/admin;x=1/v1/Users", SAME, SAME),
                row(REPORTS + ";jsessionid=1", SAME, SAME),
                row("/paas/analytics;/reports", SAME, SAME),
                // Encoded and plain dot segments (CVE-2021-28164, RFC 3986 §5.2.4): resolved by NORMALIZING.
                row(REPORTS + "/%2e%2e/%2e%2e/%2e%2e" + ADMIN, SAME, ADMIN),
                row(REPORTS + "/%2E%2E/%2E%2E/%2E%2E" + ADMIN, SAME, ADMIN),
                row(REPORTS + "/.%2e/.%2e/.%2e" + ADMIN, SAME, ADMIN),
                row(REPORTS + "/../../.." + ADMIN, SAME, ADMIN),
                row("/paas/analytics/../../../admin/v1/Users", NGINX_400, NGINX_400),
                row("/%2e%2e" + ADMIN, NGINX_400, NGINX_400),
                row("/..", NGINX_400, NGINX_400),
                row(REPORTS + "/%2e", SAME, REPORTS + "/"),
                row(REPORTS + "/%2e%2e/", SAME, "/paas/analytics/"),
                row(REPORTS + "/.%2E", SAME, "/paas/analytics/"),
                row(REPORTS + "%2e%2e", SAME, REPORTS + ".."),
                // Encoded separators (CVE-2007-0450, CVE-2021-28164): %2F decoded into "/" by NORMALIZING.
                row(REPORTS + "%2f..%2f..%2f..%2fadmin%2fv1%2fUsers", SAME, ADMIN),
                row(REPORTS + "/%2e%2e%2f%2e%2e%2f%2e%2e%2fadmin/v1/Users", SAME, ADMIN),
                row("/paas/x/..%2f..%2fadmin/v1/Users", SAME, ADMIN),
                row("/admin%2fv1/Users", SAME, ADMIN),
                row("/paas/analytics%2freports", SAME, REPORTS),
                row(REPORTS + "%5c..%5c..%5c..%5cadmin/v1/Users", SAME, REPORTS + "%5C..%5C..%5C..%5Cadmin/v1/Users"),
                row(REPORTS + "\\..\\..\\..\\admin/v1/Users", SAME, SAME),
                // Encoded "?", "#", ";" decoded by NORMALIZING before resolving "..": they vanish with the segment.
                row(REPORTS + "%3F/../../.." + ADMIN, SAME, ADMIN),
                row(REPORTS + "%23/../../.." + ADMIN, SAME, ADMIN),
                row(REPORTS + "%3b/../../.." + ADMIN, SAME, ADMIN),
                row(REPORTS + "%3bx=1", SAME, REPORTS + ";x=1"),
                // Double encoding (CVE-2020-11989): nginx decodes once and re-escapes "%", never twice.
                row(REPORTS + "/%252e%252e/%252e%252e/%252e%252e" + ADMIN, SAME, SAME),
                row(REPORTS + "%25%32%65", SAME, REPORTS + "%252e"),
                // "//": merged by NORMALIZING (merge_slashes), forwarded as is by RAW.
                row("//admin/v1/Users", SAME, ADMIN),
                row("/admin//v1/Users", SAME, ADMIN),
                row("/paas//analytics/reports", SAME, REPORTS),
                // Escapes that are plain characters (%61 is "a"): decoded by NORMALIZING.
                row("/%61dmin/v1/Users", SAME, ADMIN),
                // Toward another tenant (bi_t/bi_r binding): acme-console's token on globex's data.
                row("/v1/tenants/acme/../globex/realms/main/applications", SAME, GLOBEX),
                row("/v1/tenants/acme/realms/prod/../../../globex/realms/main/applications", SAME, GLOBEX),
                row("/v1/tenants/acme/realms/prod/%2e%2e/%2e%2e/%2e%2e/globex/realms/main/applications", SAME, GLOBEX),
                row("/v1/tenants/acme%2f..%2fglobex/realms/main/applications", SAME, GLOBEX),
                row("/v1/tenants/acme/realms/prod/..;/..;/..;/globex/realms/main/applications", SAME, SAME),
                row("/v1/tenants/acme/realms/prod/%252e%252e/%252e%252e/%252e%252e/globex/realms/main/applications",
                        SAME, SAME),
                row(GLOBEX + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/acme/realms/prod/applications", SAME, ACME),
                row("/v1/tenants/acme/realms/./prod/applications", SAME, ACME),
                row(ACME + "/..", SAME, "/v1/tenants/acme/realms/prod/"),
                row("/v1/tenants/acme;/realms/prod/applications", SAME, SAME),
                row("/v1/tenants/acme//realms/prod/applications", SAME, ACME),
                // Control characters (CVE-2021-34429, CVE-2022-22978): raw ones and %00 are nginx's 400.
                row(REPORTS + "%0a", SAME, REPORTS + "%0A"),
                row(REPORTS + "%0d%0aX-Injected:1", SAME, REPORTS + "%0D%0AX-Injected:1"),
                row(REPORTS + "%7f", SAME, REPORTS + "%7F"),
                row(REPORTS + "%00.json", NGINX_400, NGINX_400),
                row(REPORTS + "/%2e%2e%00", NGINX_400, NGINX_400),
                row(REPORTS + "\t", NGINX_400, NGINX_400),
                row(REPORTS + "\u0001", NGINX_400, NGINX_400),
                row(REPORTS + "\u007f", NGINX_400, NGINX_400),
                // Non-ASCII, encoded or raw UTF-8 (RFC 3986 §2, overlong UTF-8 CVE-2000-0884).
                row(REPORTS + "%C3%A9", SAME, SAME),
                row("/paas/analytics/%c0%ae%c0%ae/%c0%ae%c0%ae" + ADMIN, SAME,
                        "/paas/analytics/%C0%AE%C0%AE/%C0%AE%C0%AE" + ADMIN),
                row("/paas/analytics/r\u00e9ports", SAME, SAME),
                row(REPORTS + "/\uff0e\uff0e/\uff0e\uff0e/\uff0e\uff0e" + ADMIN, SAME, SAME),
                // Bad percent-encoding: nginx's 400 in both shapes.
                row(REPORTS + "%", NGINX_400, NGINX_400),
                row(REPORTS + "%zz", NGINX_400, NGINX_400),
                row(REPORTS + "%4", NGINX_400, NGINX_400),
                // Not a pchar, a query, a fragment (a "#" is never sent; NORMALIZING drops what follows it).
                row(REPORTS + "<script>", SAME, SAME),
                row(REPORTS + "{x}", SAME, SAME),
                row(REPORTS + "%20x", SAME, SAME),
                row(REPORTS + "?x=/../../.." + ADMIN, SAME, SAME),
                row(REPORTS + "#/../../.." + ADMIN, SAME, REPORTS),
                // Not origin-form: the absolute form is forwarded as its path; "*" and "admin/..." are refused.
                row("http://127.0.0.1" + ADMIN, ADMIN, ADMIN),
                row("*", NGINX_400, NGINX_400),
                row("admin/v1/Users", NGINX_400, NGINX_400));
    }

    static Stream<Arguments> corpusPerShape() {
        return corpus().flatMap(row -> Arrays.stream(Shape.values()).map(shape -> {
            Object[] r = row.get();
            return Arguments.of(shape, r[0], shape == Shape.RAW ? r[1] : r[2]);
        }));
    }

    /**
     * For each token: through the proxy, nginx's own 400, or the app's answer for exactly what nginx forwards
     * (status, body, challenge and served path equal to a direct request for that target); and whatever the
     * filter let through, the same token is let through directly on the path the app served.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("corpusPerShape")
    void requestWhenHostilePathThroughNginxThenAllowedOnlyWhereServedPathIsAllowed(Shape shape, String target,
                                                                                  String forwarded) {
        List<String> failures = new ArrayList<>();
        for (String client : CLIENTS) {
            String who = (client == null ? "no token" : client) + ": ";
            Reply proxied = viaNginx(shape, target, client);
            if (forwarded.equals(NGINX_400)) {
                if (proxied.fromApp() || proxied.status() != 400) {
                    failures.add(who + "expected nginx's own 400, got " + proxied);
                }
                continue;
            }
            if (!proxied.fromApp()) {
                failures.add(who + "expected the app's answer for " + printable(forwarded(target, forwarded))
                        + ", got nginx's own " + proxied);
                continue;
            }
            // Exact: the app answers exactly as it does to a direct request for what nginx forwarded.
            Reply direct = direct(forwarded(target, forwarded), client);
            if (!proxied.sameAnswerAs(direct)) {
                failures.add(who + "through nginx " + proxied + ", directly for " + printable(forwarded(target,
                        forwarded)) + " " + direct);
            }
            // The property, whatever the table says.
            String served = proxied.servedPath();
            if (served == null) {
                if (proxied.status() < 400 || proxied.status() >= 500) {
                    failures.add(who + "not through the filter, yet " + proxied);
                }
                continue;
            }
            Reply again = direct(served, client);
            if (!served.equals(again.servedPath()) || again.status() != proxied.status()) {
                failures.add(who + "let through on " + printable(target) + " to " + served + " (" + proxied
                        + "), but directly on " + served + ": " + again);
            }
        }
        if (!failures.isEmpty()) {
            fail(shape + " " + printable(target) + " (" + Nginx.version() + "):\n  " + String.join("\n  ", failures));
        }
    }

    /** The outcomes worth reading on their own; the table above checks every row against direct requests. */
    static Stream<Arguments> headlines() {
        String toAdmin = REPORTS + "/%2e%2e/%2e%2e/%2e%2e" + ADMIN;
        String toGlobex = "/v1/tenants/acme/../globex/realms/main/applications";
        return Stream.of(
                // RAW: the filter sees the client's bytes and refuses the ambiguous ones with 400, whoever asks.
                Arguments.of(Shape.RAW, toAdmin, "idm-admin", 400),
                Arguments.of(Shape.RAW, toAdmin, "paas-reader", 400),
                Arguments.of(Shape.RAW, toGlobex, "globex-console", 400),
                Arguments.of(Shape.RAW, "//admin/v1/Users", "idm-admin", 400),
                Arguments.of(Shape.RAW, "/paas/analytics%2freports", "paas-reader", 400),
                Arguments.of(Shape.RAW, ADMIN, "idm-admin", 200),
                // Let through (%20 is a plain space, under /paas/analytics/**): the servlet's own 404 is served.
                Arguments.of(Shape.RAW, REPORTS + "%20x", "paas-reader", 404),
                // NORMALIZING: the filter decides on nginx's reading, which is also what the app serves: the
                // traversal lands on the admin API and is decided there (idm-admin yes, paas-reader no).
                Arguments.of(Shape.NORMALIZING, toAdmin, "idm-admin", 200),
                Arguments.of(Shape.NORMALIZING, toAdmin, "paas-reader", 403),
                Arguments.of(Shape.NORMALIZING, toGlobex, "acme-console", 403),
                Arguments.of(Shape.NORMALIZING, toGlobex, "globex-console", 200),
                Arguments.of(Shape.NORMALIZING, "//admin/v1/Users", "idm-admin", 200),
                Arguments.of(Shape.NORMALIZING, "/paas/analytics%2freports", "paas-reader", 200),
                // %3B decoded into a path parameter, which the filter refuses.
                Arguments.of(Shape.NORMALIZING, REPORTS + "%3bx=1", "paas-reader", 400));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} -> {3}")
    @MethodSource("headlines")
    void requestWhenThroughNginxShapeThenExactStatus(Shape shape, String target, String client, int status) {
        Reply reply = viaNginx(shape, target, client);

        assertTrue(reply.fromApp(), reply::toString);
        assertEquals(status, reply.status(), reply::toString);
        if (status == 200) {
            assertNotNull(reply.servedPath(), reply::toString);
            return;
        }
        assertEquals("application/problem+json", Api.mediaType(reply.header("Content-Type")), reply::toString);
        if (status == 404) {
            // Past the filter: the served-path aid is on a servlet's error answers too.
            assertEquals(REPORTS + "%20x", reply.servedPath(), reply::toString);
        } else {
            assertNull(reply.servedPath(), reply::toString);
        }
    }

    /**
     * Forwarding headers a client sends, or nginx sets, change nothing: the filter reads neither
     * {@code X-Forwarded-*}, {@code Forwarded} (RFC 7239) nor {@code X-Original-URL}/{@code X-Rewrite-URL}
     * (which made IIS-style rewrites bypass access rules), and its challenge names the configured resource, not
     * the Host a client chose.
     */
    @Test
    void requestWhenForwardingHeadersSpoofedThenIgnored() {
        String[] spoofed = {
            "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https", "X-Forwarded-Prefix: /admin",
            "X-Forwarded-For: 10.0.0.1", "Forwarded: for=10.0.0.1;host=evil.example;proto=https",
            "X-Original-URL: " + ADMIN, "X-Rewrite-URL: " + ADMIN};
        for (Shape shape : Shape.values()) {
            Reply reader = send(nginx.port(shape.name()), "evil.example", "GET", REPORTS, TOKENS.get("paas-reader"),
                    spoofed);
            assertTrue(reader.sameAnswerAs(direct(REPORTS, "paas-reader")), reader::toString);
            assertEquals(REPORTS, reader.servedPath());

            Reply admin = send(nginx.port(shape.name()), "evil.example", "GET", ADMIN, TOKENS.get("paas-reader"),
                    "X-Original-URL: " + REPORTS, "X-Rewrite-URL: " + REPORTS);
            assertEquals(403, admin.status(), admin::toString);

            Reply anonymous = send(nginx.port(shape.name()), "evil.example", "GET", REPORTS, null, spoofed);
            assertEquals(401, anonymous.status(), anonymous::toString);
            String challenge = anonymous.header("WWW-Authenticate");
            assertTrue(challenge.contains("resource_metadata=\"" + app.baseUri()
                    + "/.well-known/oauth-protected-resource\""), challenge);
            assertFalse(challenge.contains("evil.example"), challenge);
        }
    }

    private static String forwarded(String target, String forwarded) {
        return forwarded.equals(SAME) ? target : forwarded;
    }

    private static Reply viaNginx(Shape shape, String target, String client) {
        return send(nginx.port(shape.name()), "localhost", "GET", target, client == null ? null : TOKENS.get(client));
    }

    private static Reply direct(String target, String client) {
        return DIRECT.computeIfAbsent(target + "\u0000" + client, k -> send(app.port(), "localhost", "GET", target,
                client == null ? null : TOKENS.get(client)));
    }

    /**
     * One raw HTTP/1.1 exchange on a fresh loopback connection: the target goes out as its UTF-8 bytes, exactly,
     * which no URI class would allow for most of the corpus.
     */
    private static Reply send(int port, String host, String method, String target, String bearer,
                              String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return Reply.parse(target, readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + printable(target) + " on port " + port, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** At most 120 chars, each one outside visible ASCII as \\uXXXX, so that failure messages stay readable. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 120); i++) {
            char c = s.charAt(i);
            out.append(c > 0x20 && c < 0x7F ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return out.append(s.length() > 120 ? "..." : "").toString();
    }

    /** A parsed answer: status, headers (names in lower case), body (de-chunked). */
    record Reply(String target, int status, Map<String, String> headers, String body) {

        /** Headers that differ between a proxied and a direct answer for reasons that are not the app's. */
        private static final Set<String> HOP = Set.of("date", "server", "connection", "transfer-encoding",
                "content-length", "keep-alive", Nginx.UPSTREAM_HEADER.toLowerCase(Locale.ROOT));

        static Reply parse(String target, byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0 || !text.startsWith("HTTP/1.")) {
                throw new AssertionError("not an HTTP answer to " + printable(target) + ": " + printable(text));
            }
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
            byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Reply(target, status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static byte[] dechunk(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (true) {
                int eol = indexOfCrlf(body, at);
                String size = new String(body, at, eol - at, StandardCharsets.ISO_8859_1);
                int semicolon = size.indexOf(';');
                int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                if (length == 0) {
                    return out.toByteArray();
                }
                out.write(body, eol + 2, length);
                at = eol + 2 + length + 2;
            }
        }

        private static int indexOfCrlf(byte[] b, int from) {
            for (int i = from; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return i;
                }
            }
            throw new AssertionError("truncated chunked body");
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** True when the app wrote this answer; false for nginx's own (its upstream address header is absent). */
        boolean fromApp() {
            return header(Nginx.UPSTREAM_HEADER) != null || !headers.containsKey("server");
        }

        /** The path the app served, when the filter let the request through; else null. */
        String servedPath() {
            return header(ServedPathFilter.HEADER);
        }

        /** Same status, same body, same end-to-end headers (challenge, served path, content type...). */
        boolean sameAnswerAs(Reply other) {
            return status == other.status && body.equals(other.body) && endToEnd().equals(other.endToEnd());
        }

        private Map<String, String> endToEnd() {
            Map<String, String> kept = new LinkedHashMap<>(headers);
            kept.keySet().removeAll(HOP);
            return kept;
        }

        @Override
        public String toString() {
            String challenge = header("WWW-Authenticate");
            return status + (servedPath() == null ? "" : " served " + servedPath())
                    + (challenge == null ? "" : " [" + challenge + "]")
                    + " " + printable(body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }
}
