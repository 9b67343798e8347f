package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.scopeenforcer.example.issuer.DevIssuer;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import io.scopeenforcer.testing.DpopProofs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --tls} end to end over real TLS (RFC 8705): the demo client certificate the app writes at start-up
 * authenticates {@code mtls-client} (§2.2), its token is bound to that certificate (§3), and the API accepts the token
 * only over a connection that presents it. Clients are {@link HttpClient}s whose {@link SSLContext} is built from
 * the PEM files the app printed, as curl's {@code --cacert}, {@code --cert} and {@code --key} would use them.
 */
class MtlsFlowTest {

    private static final String REPORTS = "/paas/analytics/reports";

    private static ExampleApp.Running app;
    private static Path directory;
    private static X509Certificate serverCertificate;
    private static X509Certificate clientCertificate;
    /** The demo client: trusts server.pem, presents client.pem with client-key.pem. */
    private static HttpClient demoClient;
    /** Trusts server.pem, presents no certificate. */
    private static HttpClient noCertificate;
    /** Trusts server.pem, presents a certificate the test made (another key). */
    private static HttpClient otherCertificate;

    @BeforeAll
    static void start() throws Exception {
        app = ExampleApp.start("--tls", "--port=0");
        directory = app.tlsDirectory();
        serverCertificate = certificate(directory.resolve(DemoTls.SERVER_CERTIFICATE));
        clientCertificate = certificate(directory.resolve(DemoTls.CLIENT_CERTIFICATE));
        PrivateKey clientKey = privateKey(directory.resolve(DemoTls.CLIENT_KEY));
        demoClient = client(clientCertificate, clientKey);
        noCertificate = client(null, null);
        DemoCertificates.Issued other = DemoCertificates.client("mtls-client", Instant.now());
        otherCertificate = client(other.certificate(), other.keys().getPrivate());
    }

    @AfterAll
    static void stop() {
        app.close();
        assertFalse(Files.exists(directory), "the demo certificates are deleted when the app stops");
    }

    @Test
    void appServesHttpsAndWritesOwnerOnlyPemFiles() {
        assertEquals("https", app.baseUri().getScheme());
        for (String name : List.of(DemoTls.SERVER_CERTIFICATE, DemoTls.CLIENT_CERTIFICATE, DemoTls.CLIENT_KEY)) {
            DpopFlowTest.assertOwnerOnly(directory.resolve(name));
        }
        assertEquals("CN=localhost", serverCertificate.getSubjectX500Principal().getName());
    }

    @Test
    void demoClientCertificateGetsCertificateBoundTokenAndTheApiAcceptsItWithThatCertificate()
            throws ParseException {
        HttpResponse<String> issued = tokenRequest(demoClient);
        assertEquals(200, issued.statusCode(), issued.body());
        Map<String, Object> body = Api.json(issued);
        assertEquals("Bearer", body.get("token_type"));
        String token = (String) body.get("access_token");
        assertEquals(Map.of("x5t#S256", DevIssuer.certificateThumbprint(clientCertificate)),
                SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"));

        HttpResponse<String> response = get(demoClient, token);

        assertEquals(200, response.statusCode(), response.body());
    }

    /** A connection that does not present the token's certificate: which client, and the exact description. */
    record Stranger(String name, HttpClient client, String description) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Stranger> strangers() {
        return Stream.of(
                new Stranger("no client certificate", noCertificate, "the token is bound to a TLS client certificate"),
                new Stranger("a certificate the test made", otherCertificate,
                        "the token is bound to another TLS client certificate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strangers")
    void certificateBoundTokenWithoutItsCertificateThen401InvalidToken(Stranger stranger) {
        String token = (String) Api.json(tokenRequest(demoClient)).get("access_token");

        HttpResponse<String> response = get(stranger.client(), token);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("invalid_token", Api.json(response).get("error"));
        assertEquals(stranger.description(), Api.json(response).get("detail"));
        assertEquals("sender_binding", Api.json(response).get("token_failure"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strangers")
    void mtlsClientWithoutItsCertificateThen401InvalidClient(Stranger stranger) {
        HttpResponse<String> response = tokenRequest(stranger.client());

        assertEquals(401, response.statusCode(), response.body());
        assertEquals(Map.of("error", "invalid_client", "error_description",
                "mtls-client authenticates with its registered TLS client certificate (RFC 8705 section 2.2)"),
                Api.json(response));
    }

    /** A bearer client connects without a certificate, and DPoP works over TLS too. */
    @Test
    void dpopBoundTokenOverTlsWithoutClientCertificate() {
        com.nimbusds.jose.jwk.ECKey key = DpopProofs.newEcKey();
        String tokenUrl = app.baseUri().resolve(TokenEndpoint.PATH).toString();
        HttpResponse<String> issued = send(noCertificate, HttpRequest.newBuilder(app.baseUri().resolve(TokenEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Api.basic("paas-reader", "paas-reader-secret"))
                .header("DPoP", DpopProofs.proof(key, "POST", tokenUrl, "unused", Instant.now()).claim("ath", null)
                        .sign())
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertEquals(200, issued.statusCode(), issued.body());
        String token = (String) Api.json(issued).get("access_token");

        HttpResponse<String> response = send(noCertificate, HttpRequest.newBuilder(app.baseUri().resolve(REPORTS))
                .header("Authorization", "DPoP " + token)
                .header("DPoP", DpopProofs.proof(key, "GET", app.baseUri().resolve(REPORTS).toString(), token,
                        Instant.now()).sign()));

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void metadataAdvertisesCertificateBoundTokensAndSelfSignedTlsClientAuth() {
        Map<String, Object> metadata = Api.json(send(noCertificate,
                HttpRequest.newBuilder(app.baseUri().resolve("/.well-known/oauth-authorization-server"))));

        assertEquals(true, metadata.get("tls_client_certificate_bound_access_tokens"));
        assertEquals(List.of("client_secret_basic", "client_secret_post", "none", "self_signed_tls_client_auth"),
                metadata.get("token_endpoint_auth_methods_supported"));
        assertEquals(app.baseUri().toString(), metadata.get("issuer"));
    }

    private static HttpResponse<String> tokenRequest(HttpClient client) {
        return send(client, HttpRequest.newBuilder(app.baseUri().resolve(TokenEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=mtls-client")));
    }

    private static HttpResponse<String> get(HttpClient client, String token) {
        return send(client, HttpRequest.newBuilder(app.baseUri().resolve(REPORTS))
                .header("Authorization", "Bearer " + token));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An HTTP/1.1 client trusting only server.pem and presenting {@code certificate} (none when null). */
    private static HttpClient client(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException,
            IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverCertificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (certificate != null) {
            char[] password = "test".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, password, new Certificate[] {certificate});
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static X509Certificate certificate(Path pem) throws GeneralSecurityException, IOException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String base64 = text.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder()
                .decode(base64)));
    }
}
