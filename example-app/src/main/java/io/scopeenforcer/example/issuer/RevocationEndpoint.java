package io.scopeenforcer.example.issuer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * {@code POST /oauth2/v1/revoke} of the development issuer (RFC 7009): a client ends one of its own tokens, named in
 * the form parameter {@code token} ({@code token_type_hint} may come along and is not needed, §2.1). Client
 * authentication and request shape are the token endpoint's ({@link ClientRequest}). The answer is 200 with an empty
 * body whenever the client authenticated and named a token, whether the token was this client's and ended, belongs
 * to another client (left alone, §2.1), is unknown or already ended (§2.2): the answer tells no one whose a token
 * is. What ends: an opaque access token ({@code legacy-reader}'s), which introspection then calls inactive, and a
 * refresh token. A JWT access token is self-contained and ends only at its {@code exp}. Errors are RFC 6749 §5.2
 * JSON: 400 {@code invalid_request}, 401 {@code invalid_client}, 405 for another method. Thread-safe.
 */
public final class RevocationEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the endpoint is mapped. */
    public static final String PATH = "/oauth2/v1/revoke";

    /** Parameters named in error descriptions; any other name is the client's text and is not echoed. */
    private static final Set<String> KNOWN = Set.of("token", "token_type_hint", "client_id", "client_secret");

    private final transient DevIssuer issuer;

    /** The endpoint of {@code issuer}. */
    public RevocationEndpoint(DevIssuer issuer) {
        this.issuer = issuer;
    }

    /** 200 and no body, or an RFC 6749 §5.2 error; never cached, and never an exception. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ClientRequest.answer(this, request, response, "revocation endpoint", "RFC 7009 section 2.1", this::handle);
    }

    private DevIssuer.Outcome handle(HttpServletRequest request) {
        ClientRequest read = ClientRequest.read(issuer, request, KNOWN);
        if (read.failure() != null) {
            return read.failure();
        }
        String token = ClientRequest.single(read.parameters(), "token");
        if (token == null) {
            return ClientRequest.invalidRequest("token is missing (RFC 7009 section 2.1)");
        }
        issuer.revoke(read.client(), token);
        return new DevIssuer.Outcome(HttpServletResponse.SC_OK, null);
    }
}
