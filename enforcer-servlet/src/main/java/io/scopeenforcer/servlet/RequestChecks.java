package io.scopeenforcer.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * The checks that need the servlet API, before the engine sees the request: one {@code Authorization} header at
 * most, no method-override header, and no {@code access_token} or {@code _method} in the query string. The query
 * is read raw ({@link HttpServletRequest#getQueryString()}), never through the container's parameter parsing,
 * which would also read and decode a form body: the filter never reads the body (see {@link EnforcedRequest}
 * for what it does about parameters in one). Stateless.
 */
final class RequestChecks {

    /** Headers that ask a framework to treat the request as another method; a rule could be bypassed. */
    static final String[] METHOD_OVERRIDE_HEADERS = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};

    private RequestChecks() {
    }

    /**
     * The 400 problem of a request with more than one {@code Authorization} header (RFC 6750 §2: one token, sent
     * one way), or of a request that asks for another method or carries a token in its query string (RFC 6750
     * §2.3 is not supported: such tokens leak into logs, caches and Referer headers); null when there is none.
     */
    static String problem(HttpServletRequest request, Enumeration<String> authorizationHeaders) {
        if (authorizationHeaders != null && authorizationHeaders.hasMoreElements()) {
            return "more than one Authorization header";
        }
        return problem(request);
    }

    private static String problem(HttpServletRequest request) {
        for (String name : METHOD_OVERRIDE_HEADERS) {
            if (request.getHeader(name) != null) {
                return "method override headers are not accepted";
            }
        }
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        int start = 0;
        while (start <= query.length()) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', start);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (nameIs(query, start, nameEnd, "access_token")) {
                return "a token in the query string is not accepted; use the Authorization header";
            }
            if (nameIs(query, start, nameEnd, "_method")) {
                return "the _method parameter is not accepted";
            }
            start = end + 1;
        }
        return null;
    }

    /**
     * Whether {@code query[from, to)}, percent-decoded, equals {@code name} (ASCII, no {@code %}): decoded byte by
     * byte, so {@code access%5Ftoken} counts and a bad escape, which cannot spell the name, does not.
     */
    private static boolean nameIs(String query, int from, int to, String name) {
        int n = 0;
        for (int i = from; i < to; i++, n++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    return false;
                }
                int hi = Character.digit(query.charAt(i + 1), 16);
                int lo = Character.digit(query.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                c = (char) (hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                c = ' ';
            }
            if (n >= name.length() || name.charAt(n) != c) {
                return false;
            }
        }
        return n == name.length();
    }
}
