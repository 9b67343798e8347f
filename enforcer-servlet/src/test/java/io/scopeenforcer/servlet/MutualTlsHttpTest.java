package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.TestCertificates;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate-bound tokens (RFC 8705 §3) over a real TLS connection: Jetty with {@code wantClientAuth} and a
 * client certificate made at run time, the filter reading the container's
 * {@code jakarta.servlet.request.X509Certificate}; and behind a TLS-terminating proxy, the certificate from the
 * configured header only (RFC 9440 {@code Client-Cert}, or a URL-encoded PEM), never from an unconfigured one.
 */
class MutualTlsHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);
    private static final char[] PASSWORD = "changeit".toCharArray();
    static final TestCertificates.Issued SERVER = TestCertificates.selfSigned("server", "127.0.0.1");
    static final TestCertificates.Issued CLIENT = TestCertificates.selfSigned("client");
    static final TestCertificates.Issued OTHER = TestCertificates.selfSigned("other");

    private static Server jetty;
    private static URI base;
    private static FilterServer proxied;
    private static FilterServer direct;

    @BeforeAll
    static void start() throws Exception {
        Enforcer engine = Enforcer.newBuilder().policy(RoutePolicy.parse(FilterServer.POLICY, "policy.txt"))
                .verifier(TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).build()).build();
        ScopeEnforcementFilter filter = ScopeEnforcementFilter.newBuilder().enforcer(engine).build();

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(TestCertificates.keyStore(SERVER, "server", PASSWORD));
        tls.setKeyStorePassword(new String(PASSWORD));
        tls.setTrustStore(TestCertificates.trustStore(CLIENT.certificate(), OTHER.certificate()));
        tls.setWantClientAuth(true);
        jetty = new Server();
        HttpConfiguration https = new HttpConfiguration();
        // No SNI host check: the client connects to an IP address, which TLS never names in SNI.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FilterServer.EchoServlet()), "/*");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("https://127.0.0.1:" + connector.getLocalPort());

        Map<String, String> params = HARNESS.params();
        params.put("client-certificate-header", "Client-Cert");
        proxied = HARNESS.start("/proxied", params);
        direct = HARNESS.start("/direct", HARNESS.params());
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    static String boundTo(X509Certificate certificate) {
        return IDP.token().claim("cnf", Map.of("x5t#S256", TestCertificates.thumbprint(certificate))).sign();
    }

    static HttpClient client(TestCertificates.Issued certificate) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TestCertificates.trustStore(SERVER.certificate()));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore store = certificate == null ? TestCertificates.trustStore()
                : TestCertificates.keyStore(certificate, "client", PASSWORD);
        keys.init(store, PASSWORD);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static Reply get(TestCertificates.Issued certificate, String token) throws Exception {
        HttpResponse<String> r = client(certificate).send(HttpRequest.newBuilder(base.resolve("/me"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.headers().map().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        return new Reply(r.statusCode(), headers, r.body());
    }

    static Stream<Arguments> overTls() {
        return Stream.of(
                Arguments.of("the bound certificate", CLIENT, boundTo(CLIENT.certificate()), null),
                Arguments.of("another client certificate", OTHER, boundTo(CLIENT.certificate()),
                        "the token is bound to another TLS client certificate"),
                Arguments.of("no client certificate", null, boundTo(CLIENT.certificate()),
                        "the token is bound to a TLS client certificate"),
                Arguments.of("an unbound token with a certificate", CLIENT, IDP.token().sign(), null),
                Arguments.of("an unbound token without a certificate", null, IDP.token().sign(), null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("overTls")
    void requestOverTlsWhenCertificateBoundTokenThenTheConnectionsCertificateMustMatch(String name,
            TestCertificates.Issued certificate, String token, String problem) throws Exception {
        Reply reply = get(certificate, token);
        if (problem == null) {
            assertEquals(200, reply.status(), reply::body);
            assertEquals(TestIssuer.DEFAULT_SUBJECT, reply.echo().get("subject"));
            return;
        }
        assertProblem(reply, 401, problem, null);
        assertEquals(Denials.CHALLENGE.substring(0, "Bearer realm=\"api\"".length())
                + ", error=\"invalid_token\", error_description=\"" + problem + "\"", reply.header("WWW-Authenticate"));
    }

    static String rfc9440(X509Certificate certificate) throws Exception {
        return ":" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + ":";
    }

    static String escapedPem(X509Certificate certificate) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        return URLEncoder.encode(pem, StandardCharsets.US_ASCII);
    }

    static Stream<Arguments> behindProxy() throws Exception {
        String bound = boundTo(CLIENT.certificate());
        return Stream.of(
                Arguments.of("RFC 9440 header, the bound certificate", "proxied", rfc9440(CLIENT.certificate()), bound,
                        null),
                Arguments.of("URL-encoded PEM, the bound certificate", "proxied", escapedPem(CLIENT.certificate()), bound,
                        null),
                Arguments.of("RFC 9440 header, another certificate", "proxied", rfc9440(OTHER.certificate()), bound,
                        "the token is bound to another TLS client certificate"),
                Arguments.of("no header", "proxied", null, bound, "the token is bound to a TLS client certificate"),
                Arguments.of("a header that is no certificate", "proxied", ":bm90IGEgY2VydA==:", bound,
                        "the token is bound to a TLS client certificate"),
                // Not configured: a client could send the header itself, so it is never read.
                Arguments.of("the header, not configured", "direct", rfc9440(CLIENT.certificate()), bound,
                        "the token is bound to a TLS client certificate"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("behindProxy")
    void requestBehindProxyWhenCertificateHeaderThenOnlyTheConfiguredHeaderCounts(String name, String app,
            String header, String token, String problem) {
        FilterServer server = app.equals("proxied") ? proxied : direct;
        Reply reply = header == null ? server.get("/me", "Authorization", "Bearer " + token)
                : server.get("/me", "Authorization", "Bearer " + token, "Client-Cert", header);
        if (problem == null) {
            assertEquals(200, reply.status(), reply::body);
            return;
        }
        assertProblem(reply, 401, problem, null);
    }
}
