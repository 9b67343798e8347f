package io.scopeenforcer;

import java.util.List;
import java.util.Set;

/** The request methods the enforcer accepts; anything else is answered 405 before any other check. */
final class HttpMethods {

    /** In the order of an {@code Allow} header. RFC 9110 §9.1: method names are case-sensitive. */
    static final List<String> ALLOWED = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    static final Set<String> ALLOWED_SET = Set.copyOf(ALLOWED);
    /** The {@code Allow} header value for 405 responses. */
    static final String ALLOW_HEADER = String.join(", ", ALLOWED);

    private HttpMethods() {
    }

    static boolean isAllowed(String method) {
        return ALLOWED_SET.contains(method);
    }
}
