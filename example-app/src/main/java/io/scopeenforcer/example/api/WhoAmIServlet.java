package io.scopeenforcer.example.api;

import io.scopeenforcer.example.api.Http.Problem;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.VerifiedToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /whoami} (policy: {@code authenticated}, any valid token): how an application behind the filter
 * learns who called. Three standard or documented ways, all shown in the answer:
 * <ul>
 *   <li>{@code request.getAttribute(ScopeEnforcementFilter.TOKEN_ATTRIBUTE)}: the {@link VerifiedToken}, with
 *       subject, client, audiences, scopes, tenant, realm, expiry and every claim (never the token string);</li>
 *   <li>{@code request.getUserPrincipal()}: the token's subject;</li>
 *   <li>{@code request.isUserInRole(scope)}: true for a scope the token was granted, compared exactly. The
 *       scope hierarchy ({@code ...:paas::read} reading {@code ...:paas:analytics}) is the policy's business,
 *       decided before the request got here; a role check is a plain membership test.</li>
 * </ul>
 * Public only because {@code web.xml} names it. Thread-safe.
 */
public final class WhoAmIServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The scopes the answer reports {@code isUserInRole} for: one of each family the demo knows. */
    static final List<String> ROLES_SHOWN = List.of("urn:opc:resource:consumer::all",
            "urn:opc:resource:consumer:paas::read", "urn:opc:idm:__myscopes__", "applications:read");

    /** The caller as the filter verified it; 401 in permissive mode when a request came without a token. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The filter sets the attribute only for a request it verified a token for; in permissive mode a
        // request it would have denied reaches the application without one, so a servlet checks.
        if (!(request.getAttribute(ScopeEnforcementFilter.TOKEN_ATTRIBUTE) instanceof VerifiedToken token)) {
            Http.writeProblem(response, new Problem(HttpServletResponse.SC_UNAUTHORIZED,
                    "no verified token reached the application (is the filter in permissive mode?)"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principal", request.getUserPrincipal().getName());
        body.put("authType", request.getAuthType());
        body.put("issuer", token.issuer());
        body.put("subject", token.subject());
        body.put("clientId", token.clientId());
        body.put("audiences", token.audiences());
        body.put("scopes", List.copyOf(token.scopes().values()));
        body.put("tenant", token.tenant());
        body.put("realm", token.realm());
        body.put("expiresAt", token.expiresAt().toString());
        Map<String, Object> roles = new LinkedHashMap<>();
        ROLES_SHOWN.forEach(scope -> roles.put(scope, request.isUserInRole(scope)));
        body.put("isUserInRole", roles);
        response.setHeader("Cache-Control", "no-store");
        Http.writeJson(response, HttpServletResponse.SC_OK, body);
    }
}
