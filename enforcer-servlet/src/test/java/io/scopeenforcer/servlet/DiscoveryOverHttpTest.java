package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter configured with {@code issuer} alone (no {@code jwks-uri}, no {@code jwks-file}): the JWKS URI is
 * discovered from the issuer's metadata when the first token needs keys. The web app starts while the issuer is
 * down; protected requests get 503 with {@code Retry-After} until the metadata is up, then 200. Real Jetty, real
 * metadata and JWKS server, real HTTP client.
 */
class DiscoveryOverHttpTest {

    private static final String PATH = "/paas/analytics/reports";
    private static final String SCOPE = "urn:opc:resource:consumer:paas:analytics::read";

    @TempDir
    Path dir;
    private JwksServer idpServer;
    private TestIssuer idp;
    private FilterServer app;

    @BeforeEach
    void startIssuer() {
        idpServer = JwksServer.start(new JWKSet());
        idp = TestIssuer.create(idpServer.base("/oauth2/default"));
        idpServer.serve(idp.rsa().publicJwkSet());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        idpServer.close();
    }

    private void startApp() {
        Map<String, String> params = FilterServer.params(idp, idpServer, dir);
        params.remove("jwks-uri");
        params.put("retry-after", "3");
        app = FilterServer.start("/", params);
    }

    private void serveMetadata() {
        idpServer.serveDocument("/oauth2/default/.well-known/openid-configuration", "{\"issuer\":\"" + idp.issuer()
                + "\",\"jwks_uri\":\"" + idpServer.uri() + "\"}");
    }

    @Test
    void requestWhenMetadataUpThenDiscoveredKeysVerify() {
        serveMetadata();
        startApp();
        assertEquals(0, idpServer.fetches(), "init() fetches nothing");

        Reply reply = app.get(PATH, "Authorization", "Bearer " + idp.token().scope(SCOPE).sign());

        assertEquals(200, reply.status(), reply::toString);
        assertEquals(2, idpServer.fetches(), "the metadata, then the JWK set");
    }

    @Test
    void requestWhenMetadataDownAtStartThen503WithRetryAfterThen200OnceUp() throws InterruptedException {
        startApp();
        String token = idp.token().scope(SCOPE).sign();

        Reply down = app.get(PATH, "Authorization", "Bearer " + token);

        assertEquals(503, down.status(), down::toString);
        assertEquals("3", down.header("Retry-After"));
        assertNull(down.header("WWW-Authenticate"), "503 is no verdict on the token");
        assertTrue(down.body().contains("\"status\":503"), down::body);
        assertEquals(200, app.get("/health").status(), "public routes need no keys");

        serveMetadata();
        Thread.sleep(1_100); // the first back-off is 1 s
        Reply up = app.get(PATH, "Authorization", "Bearer " + token);
        assertEquals(200, up.status(), up::toString);
    }

    @Test
    void requestWhenMetadataNamesAnotherIssuerThen503() {
        idpServer.serveDocument("/oauth2/default/.well-known/openid-configuration", "{\"issuer\":\"" + idp.issuer()
                + "/other\",\"jwks_uri\":\"" + idpServer.uri() + "\"}");
        startApp();

        Reply reply = app.get(PATH, "Authorization", "Bearer " + idp.token().scope(SCOPE).sign());

        assertEquals(503, reply.status(), reply::toString);
        assertEquals(2, idpServer.fetches(), "both metadata locations, and no JWK set from a refused document");
    }
}
