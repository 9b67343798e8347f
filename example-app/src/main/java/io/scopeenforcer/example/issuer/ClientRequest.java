package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.negotiation.ClientRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A client's form POST to the development issuer, as the token endpoint (RFC 6749 §3.2) and the revocation endpoint
 * (RFC 7009 §2.1, which takes its client authentication from RFC 6749 §2.3) both read and answer it: an
 * {@code application/x-www-form-urlencoded} body ({@link FormBody}), no query string, no repeated parameter, then
 * the client authenticated. Either the parameters and the client (with the thumbprint of the TLS certificate it
 * authenticated with, null for a secret or a public client), or the RFC 6749 §5.2 error that ends the request.
 */
record ClientRequest(Map<String, List<String>> parameters, ClientRegistration client, String certificateThumbprint,
                     DevIssuer.Outcome failure) {

    /** The Servlet request attribute holding the TLS client certificate chain (Jakarta Servlet 6.0 §3.10). */
    private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    /**
     * Reads and authenticates {@code request}; checks run in this order: request shape ({@code invalid_request}),
     * then client authentication ({@code invalid_client}).
     *
     * @param known the parameter names an error description may name; any other is the client's text, not echoed
     */
    static ClientRequest read(DevIssuer issuer, HttpServletRequest request, Set<String> known) {
        // The header itself: Jetty's getContentType() throws for a charset it does not know (charset=bogus).
        String type = request.getHeader("Content-Type");
        if (type == null || !FormBody.mediaType(type).equals("application/x-www-form-urlencoded")) {
            return failed(invalidRequest("the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)"));
        }
        if (request.getQueryString() != null) {
            // Secrets in a URL end up in logs and histories; RFC 6749 §3.2 puts parameters in the body.
            return failed(invalidRequest("send the parameters in the body, not in the query string"));
        }
        Map<String, List<String>> parameters;
        try {
            parameters = FormBody.read(request);
        } catch (FormBody.Malformed e) {
            return failed(invalidRequest(e.getMessage()));
        }
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (parameter.getValue().size() > 1) {
                String name = known.contains(parameter.getKey()) ? parameter.getKey() : "a parameter";
                return failed(invalidRequest(name + " is repeated (RFC 6749 section 3.2)"));
            }
        }
        return authenticate(issuer, request, parameters);
    }

    /**
     * RFC 6749 §2.3.1: Basic with form-encoded id and secret, or client_id and client_secret in the body; the public
     * {@code paas-cli} by its id; {@code mtls-client} by its id and the TLS client certificate registered for it
     * (RFC 8705 §2.2 {@code self_signed_tls_client_auth}: the exact certificate, compared by its SHA-256).
     */
    private static ClientRequest authenticate(DevIssuer issuer, HttpServletRequest request,
                                              Map<String, List<String>> parameters) {
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
                return new ClientRequest(parameters, DemoClients.PAAS_CLI, null, null);
            }
            if (formSecret == null && DemoClients.MTLS_CLIENT.clientId().equals(formId)) {
                return certificateAuthentication(issuer, request, parameters);
            }
            if (formId == null || formSecret == null) {
                return failed(invalidClient("client authentication is required"));
            }
            clientId = formId;
            secret = formSecret;
        }
        Optional<ClientRegistration> client = DemoClients.authenticate(clientId, secret);
        return client.map(c -> new ClientRequest(parameters, c, null, null))
                .orElseGet(() -> failed(invalidClient("client authentication failed")));
    }

    /** {@code mtls-client} when the connection's TLS client certificate is the one registered for it. */
    private static ClientRequest certificateAuthentication(DevIssuer issuer, HttpServletRequest request,
                                                           Map<String, List<String>> parameters) {
        String registered = issuer.mtlsClientThumbprint();
        Object chain = request.isSecure() ? request.getAttribute(CERTIFICATE_ATTRIBUTE) : null;
        String presented = chain instanceof X509Certificate[] certificates && certificates.length > 0
                ? DevIssuer.certificateThumbprint(certificates[0]) : null;
        if (registered == null || presented == null || !MessageDigest.isEqual(
                registered.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII))) {
            return failed(invalidClient("mtls-client authenticates with its registered TLS client certificate"
                    + " (RFC 8705 section 2.2)"));
        }
        return new ClientRequest(parameters, DemoClients.MTLS_CLIENT, presented, null);
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

    /**
     * Answers a request to {@code endpoint} (its name in messages): 405 {@code invalid_request} for a method other
     * than POST (naming POST in {@code Allow}, RFC 9110 §15.5.6), else what {@code handler} makes of it. A
     * {@link RuntimeException} there is one log line without the client's text and a 500 {@code server_error},
     * never a stack trace or the container's error page. Never cached (RFC 6749 §5.1); an {@code invalid_client}
     * carries the Basic challenge (§5.2); an outcome without a body is an empty answer.
     *
     * @param rule where the endpoint is defined, for the 405's description
     */
    static void answer(HttpServlet servlet, HttpServletRequest request, HttpServletResponse response,
                       String endpoint, String rule, Function<HttpServletRequest, DevIssuer.Outcome> handler)
            throws IOException {
        DevIssuer.Outcome outcome;
        if (!request.getMethod().equals("POST")) {
            response.setHeader("Allow", "POST");
            outcome = DevIssuer.Outcome.error(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request",
                    "the " + endpoint + " takes POST (" + rule + ")");
        } else {
            try {
                outcome = handler.apply(request);
            } catch (RuntimeException e) {
                servlet.log(endpoint + " failed: " + e.getClass().getName());
                outcome = DevIssuer.Outcome.error(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "server_error",
                        "the " + endpoint + " failed");
            }
        }
        if (outcome.status() == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + TokenEndpoint.BASIC_REALM + "\"");
        }
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setStatus(outcome.status());
        if (outcome.body() == null) {
            response.setContentLength(0);
            return;
        }
        byte[] body = JSONObjectUtils.toJSONString(outcome.body()).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
    static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.get(0).isEmpty() ? null : values.get(0);
    }

    static DevIssuer.Outcome invalidRequest(String description) {
        return DevIssuer.Outcome.error(400, "invalid_request", description);
    }

    private static ClientRequest failed(DevIssuer.Outcome outcome) {
        return new ClientRequest(null, null, null, outcome);
    }

    private static DevIssuer.Outcome invalidClient(String description) {
        return DevIssuer.Outcome.error(401, "invalid_client", description);
    }
}
