package io.scopeenforcer.example.issuer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The development issuer's public documents: its JWK set ({@value #JWKS_PATH}, public keys only), its RFC
 * 8414 metadata ({@value #METADATA_PATH}) and the same in the OpenID Connect Discovery place
 * ({@value #OPENID_CONFIGURATION_PATH}, without ID tokens: {@link DevIssuer#openidConfigurationJson}). Thread-safe.
 */
public final class IssuerMetadataServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the JWK set is served. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** Where the RFC 8414 metadata is served. */
    public static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
    /** Where the OpenID Connect Discovery 1.0 document is served. */
    public static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";

    private final transient DevIssuer issuer;

    /** The documents of {@code issuer}. */
    public IssuerMetadataServlet(DevIssuer issuer) {
        this.issuer = issuer;
    }

    /** The JWK set or a metadata document, by the path it was mapped to. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        String json = JWKS_PATH.equals(path) ? issuer.jwksJson()
                : OPENID_CONFIGURATION_PATH.equals(path) ? issuer.openidConfigurationJson() : issuer.metadataJson();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(JWKS_PATH.equals(request.getServletPath())
                ? "application/jwk-set+json" : "application/json");
        // The key changes only when the app restarts, so clients may keep it for a minute.
        response.setHeader("Cache-Control", "max-age=60");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
