package io.scopeenforcer.integration.boot4;

import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The protected API: it trusts what the filter put on the request (principal, roles, the verified token) and
 * echoes it, so the tests can see that Spring MVC hands the controller the filter's principal.
 */
@RestController
public class OrdersController {

    /** A public route: the policy lets it through without looking at any token. */
    @GetMapping("/health")
    public Map<String, Object> health() {
        return Map.of("status", "up");
    }

    /** Any valid token. */
    @GetMapping("/me")
    public Map<String, Object> me(Principal principal, HttpServletRequest request) {
        return who(principal, request);
    }

    /** Needs {@code orders:read}. */
    @GetMapping("/orders")
    public Map<String, Object> orders(Principal principal, HttpServletRequest request) {
        Map<String, Object> body = who(principal, request);
        body.put("orders", List.of("o-1", "o-2"));
        return body;
    }

    /** Needs {@code orders:write}. */
    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> create(Principal principal, HttpServletRequest request) {
        Map<String, Object> body = who(principal, request);
        body.put("order", "o-3");
        return body;
    }

    private static Map<String, Object> who(Principal principal, HttpServletRequest request) {
        VerifiedToken token = (VerifiedToken) request.getAttribute(ScopeEnforcementFilter.TOKEN_ATTRIBUTE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principal", principal.getName());
        body.put("authType", request.getAuthType());
        body.put("ordersReader", request.isUserInRole("orders:read"));
        body.put("issuer", token.issuer());
        body.put("scopes", token.scopes().toSpaceDelimited());
        return body;
    }
}
