package io.scopeenforcer.example.issuer;

import io.scopeenforcer.TokenRequestProof;
import io.scopeenforcer.negotiation.ClientRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
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
 * its certificate ({@code cnf["x5t#S256"]}, RFC 8705 §3). The body is read and decoded here ({@link FormBody};
 * the shape checks and client authentication are {@link ClientRequest}'s, shared with the revocation endpoint),
 * never through the container's {@code getParameter}, so a malformed body is an {@code invalid_request} like any
 * other, not the container's error page; no exception leaves {@link #service}. Thread-safe.
 */
public final class TokenEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the endpoint is mapped. */
    public static final String PATH = "/oauth2/v1/token";
    /** The Basic realm of an {@code invalid_client} challenge (RFC 6749 §5.2). */
    public static final String BASIC_REALM = "scope-enforcer-example";

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
     * {@code invalid_request}; never cached, and never an exception ({@link ClientRequest#answer}).
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ClientRequest.answer(this, request, response, "token endpoint", "RFC 6749 section 3.2", this::handle);
    }

    private DevIssuer.Outcome handle(HttpServletRequest request) {
        ClientRequest read = ClientRequest.read(issuer, request, KNOWN);
        if (read.failure() != null) {
            return read.failure();
        }
        Map<String, List<String>> parameters = read.parameters();
        ClientRegistration client = read.client();
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
        DevIssuer.Binding binding = new DevIssuer.Binding(jkt, read.certificateThumbprint());

        String grantType = ClientRequest.single(parameters, "grant_type");
        if (grantType == null) {
            return ClientRequest.invalidRequest("grant_type is missing");
        }
        String scope = ClientRequest.single(parameters, "scope");
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
                String refreshToken = ClientRequest.single(parameters, "refresh_token");
                if (refreshToken == null) {
                    return ClientRequest.invalidRequest("refresh_token is missing");
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
            if (ClientRequest.single(parameters, name) == null) {
                return ClientRequest.invalidRequest(name + " is missing");
            }
        }
        return issuer.codeFlow().redeem(client, ClientRequest.single(parameters, "code"),
                ClientRequest.single(parameters, "redirect_uri"), ClientRequest.single(parameters, "code_verifier"),
                binding);
    }

    /** The {@code DPoP} header values, at most two: more than one is refused whatever they hold. */
    private static List<String> dpopHeaders(Enumeration<String> headers) {
        List<String> out = new ArrayList<>(1);
        while (headers != null && headers.hasMoreElements() && out.size() < 2) {
            out.add(headers.nextElement());
        }
        return out;
    }
}
