package io.scopeenforcer.example.issuer;

import io.scopeenforcer.TokenRequestProof;
import io.scopeenforcer.negotiation.ClientRegistration;
import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /oauth2/v1/token} of the development issuer (RFC 6749 §3.2): {@code client_credentials},
 * {@code refresh_token} and {@code authorization_code} (with the PKCE {@code code_verifier}, RFC 7636) grants,
 * client authentication by HTTP Basic or form parameters (the public {@code paas-cli} by its {@code client_id}
 * alone, {@code mtls-client} by its TLS certificate), errors as RFC 6749 §5.2 JSON. Checks run in this order: request
 * shape ({@code invalid_request}), client authentication ({@code invalid_client}), the {@code DPoP} proof when there
 * is one ({@code invalid_dpop_proof}, RFC 9449 §5), grant type ({@code invalid_request} /
 * {@code unsupported_grant_type}), then the grant ({@code invalid_grant}, {@code invalid_scope}). A valid proof binds
 * the access token to its key ({@code cnf.jkt}, {@code token_type: DPoP}); {@code mtls-client}'s tokens are bound to
 * its certificate ({@code cnf["x5t#S256"]}, RFC 8705 §3). The body is read and decoded here ({@link FormBody}),
 * never through the container's {@code getParameter}, so a malformed body is an {@code invalid_request} like any
 * other, not the container's error page; no exception leaves {@link #service}. Thread-safe.
 */
public final class TokenEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the endpoint is mapped. */
    public static final String PATH = "/oauth2/v1/token";
    /** The Basic realm of an {@code invalid_client} challenge (RFC 6749 §5.2). */
    public static final String BASIC_REALM = "scope-enforcer-example";
    /** The Servlet request attribute holding the TLS client certificate chain (Jakarta Servlet 6.0 §3.10). */
    private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    /** Parameters named in error descriptions; any other name is the client's text and is not echoed. */
    private static final Set<String> KNOWN = Set.of("grant_type", "scope", "refresh_token", "client_id",
            "client_secret", "code", "redirect_uri", "code_verifier");

    private final transient DevIssuer issuer;

    /** The endpoint of {@code issuer}. */
    public TokenEndpoint(DevIssuer issuer) {
        this.issuer = issuer;
    }

    /**
     * Answers a POST with a token response or an RFC 6749 §5.2 error, any other method with 405 and
     * {@code invalid_request}; never cached, and never an exception: the container would answer that with its
     * own error page.
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DevIssuer.Outcome outcome;
        if (!request.getMethod().equals("POST")) {
            // RFC 9110 §15.5.6: a 405 names the methods the resource supports.
            response.setHeader("Allow", "POST");
            outcome = DevIssuer.Outcome.error(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request",
                    "the token endpoint takes POST (RFC 6749 section 3.2)");
        } else {
            try {
                outcome = handle(request);
            } catch (RuntimeException e) {
                // A bug here must not become a stack trace for the client; the error handler would log nothing
                // more useful than this one line, and the client's text is not in it.
                log("token endpoint failed: " + e.getClass().getName());
                outcome = DevIssuer.Outcome.error(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "server_error",
                        "the token endpoint failed");
            }
        }
        if (outcome.status() == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + BASIC_REALM + "\"");
        }
        // RFC 6749 §5.1: token responses, and so their errors, must not be cached.
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        byte[] body = JSONObjectUtils.toJSONString(outcome.body()).getBytes(StandardCharsets.UTF_8);
        response.setStatus(outcome.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private DevIssuer.Outcome handle(HttpServletRequest request) {
        // The header itself: Jetty's getContentType() throws for a charset it does not know (charset=bogus).
        String type = request.getHeader("Content-Type");
        if (type == null || !FormBody.mediaType(type).equals("application/x-www-form-urlencoded")) {
            return invalidRequest("the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)");
        }
        if (request.getQueryString() != null) {
            // Secrets in a URL end up in logs and histories; RFC 6749 §3.2 puts parameters in the body.
            return invalidRequest("send the parameters in the body, not in the query string");
        }
        Map<String, List<String>> parameters;
        try {
            parameters = FormBody.read(request);
        } catch (FormBody.Malformed e) {
            return invalidRequest(e.getMessage());
        }
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (parameter.getValue().size() > 1) {
                String name = KNOWN.contains(parameter.getKey()) ? parameter.getKey() : "a parameter";
                return invalidRequest(name + " is repeated (RFC 6749 section 3.2)");
            }
        }

        Authentication auth = authenticate(request, parameters);
        if (auth.failure() != null) {
            return auth.failure();
        }
        ClientRegistration client = auth.client();
        List<String> proofs = dpopHeaders(request.getHeaders("DPoP"));
        String jkt = null;
        if (!proofs.isEmpty()) {
            TokenRequestProof.Result proof = issuer.checkProof(proofs, request.getMethod(), request.getRequestURI());
            if (!proof.accepted()) {
                // RFC 9449 §5: a token request with a bad proof is answered 400 invalid_dpop_proof.
                return DevIssuer.Outcome.error(400, "invalid_dpop_proof", proof.problem());
            }
            jkt = proof.thumbprint();
        }
        DevIssuer.Binding binding = new DevIssuer.Binding(jkt, auth.certificateThumbprint());

        String grantType = single(parameters, "grant_type");
        if (grantType == null) {
            return invalidRequest("grant_type is missing");
        }
        String scope = single(parameters, "scope");
        switch (grantType) {
            case "client_credentials":
                if (issuer.codeFlow().isBrowserClient(client)) {
                    // RFC 6749 §5.2: acme-web and paas-cli act for users only.
                    return DevIssuer.Outcome.error(400, "unauthorized_client",
                            "this client may use authorization_code and refresh_token only");
                }
                return issuer.clientCredentials(client, scope, binding);
            case "authorization_code":
                return authorizationCode(client, parameters, binding);
            case "refresh_token":
                String refreshToken = single(parameters, "refresh_token");
                if (refreshToken == null) {
                    return invalidRequest("refresh_token is missing");
                }
                return issuer.refresh(client, refreshToken, scope, binding);
            default:
                return DevIssuer.Outcome.error(400, "unsupported_grant_type",
                        "this issuer supports client_credentials, authorization_code and refresh_token");
        }
    }

    /** RFC 6749 §4.1.3 with RFC 7636 §4.5: code, redirect_uri and code_verifier are all required here. */
    private DevIssuer.Outcome authorizationCode(ClientRegistration client, Map<String, List<String>> parameters,
                                                DevIssuer.Binding binding) {
        if (!issuer.codeFlow().isBrowserClient(client)) {
            return DevIssuer.Outcome.error(400, "unauthorized_client", "this client may not use authorization_code");
        }
        for (String name : List.of("code", "redirect_uri", "code_verifier")) {
            if (single(parameters, name) == null) {
                return invalidRequest(name + " is missing");
            }
        }
        return issuer.codeFlow().redeem(client, single(parameters, "code"), single(parameters, "redirect_uri"),
                single(parameters, "code_verifier"), binding);
    }

    /** The {@code DPoP} header values, at most two: more than one is refused whatever they hold. */
    private static List<String> dpopHeaders(Enumeration<String> headers) {
        List<String> out = new ArrayList<>(1);
        while (headers != null && headers.hasMoreElements() && out.size() < 2) {
            out.add(headers.nextElement());
        }
        return out;
    }

    /**
     * A client, with the thumbprint of the TLS certificate it authenticated with (null for a secret or a public
     * client), or the error that ends the request.
     */
    private record Authentication(ClientRegistration client, String certificateThumbprint, DevIssuer.Outcome failure) {
    }

    /**
     * RFC 6749 §2.3.1: Basic with form-encoded id and secret, or client_id and client_secret in the body; the public
     * {@code paas-cli} by its id; {@code mtls-client} by its id and the TLS client certificate registered for it
     * (RFC 8705 §2.2 {@code self_signed_tls_client_auth}: the exact certificate, compared by its SHA-256).
     */
    private Authentication authenticate(HttpServletRequest request, Map<String, List<String>> parameters) {
        String header = request.getHeader("Authorization");
        String formId = single(parameters, "client_id");
        String formSecret = single(parameters, "client_secret");
        String clientId;
        String secret;
        if (header != null) {
            if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return failed(invalidClient("authenticate with HTTP Basic or client_id and client_secret"));
            }
            if (formSecret != null || (formId != null && !formId.equals(basicPart(header, true)))) {
                // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
                return failed(invalidRequest("use either HTTP Basic or client_secret in the body, not both"));
            }
            clientId = basicPart(header, true);
            secret = basicPart(header, false);
            if (clientId == null || secret == null) {
                return failed(invalidClient("the Basic credentials are not base64 of id:secret"));
            }
        } else {
            if (formSecret == null && DemoClients.PAAS_CLI.clientId().equals(formId)) {
                // A public client (RFC 6749 §2.1): it has no secret and names itself; PKCE binds its code to it.
                return new Authentication(DemoClients.PAAS_CLI, null, null);
            }
            if (formSecret == null && DemoClients.MTLS_CLIENT.clientId().equals(formId)) {
                return certificateAuthentication(request);
            }
            if (formId == null || formSecret == null) {
                return failed(invalidClient("client authentication is required"));
            }
            clientId = formId;
            secret = formSecret;
        }
        Optional<ClientRegistration> client = DemoClients.authenticate(clientId, secret);
        return client.map(c -> new Authentication(c, null, null))
                .orElseGet(() -> failed(invalidClient("client authentication failed")));
    }

    /** {@code mtls-client} when the connection's TLS client certificate is the one registered for it. */
    private Authentication certificateAuthentication(HttpServletRequest request) {
        String registered = issuer.mtlsClientThumbprint();
        Object chain = request.isSecure() ? request.getAttribute(CERTIFICATE_ATTRIBUTE) : null;
        String presented = chain instanceof X509Certificate[] certificates && certificates.length > 0
                ? DevIssuer.certificateThumbprint(certificates[0]) : null;
        if (registered == null || presented == null || !MessageDigest.isEqual(
                registered.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII))) {
            return failed(invalidClient("mtls-client authenticates with its registered TLS client certificate"
                    + " (RFC 8705 section 2.2)"));
        }
        return new Authentication(DemoClients.MTLS_CLIENT, presented, null);
    }

    /** The id ({@code first}) or the secret of a Basic header, form-decoded; null when malformed. */
    private static String basicPart(String header, boolean first) {
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String part = first ? decoded.substring(0, colon) : decoded.substring(colon + 1);
            return FormBody.decode(part);
        } catch (IllegalArgumentException | FormBody.Malformed e) {
            return null;
        }
    }

    /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static Authentication failed(DevIssuer.Outcome outcome) {
        return new Authentication(null, null, outcome);
    }

    private static DevIssuer.Outcome invalidRequest(String description) {
        return DevIssuer.Outcome.error(400, "invalid_request", description);
    }

    private static DevIssuer.Outcome invalidClient(String description) {
        return DevIssuer.Outcome.error(401, "invalid_client", description);
    }
}
