package io.scopeenforcer.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.net.URLDecoder;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Finds the bearer token of a request per RFC 6750, header only: {@code Authorization: Bearer <b64token>},
 * scheme case-insensitive, exactly one header and one token. A token in the query string or a form body
 * (RFC 6750 §2.2, §2.3) is refused with 400: it leaks into logs, caches and Referer headers.
 */
final class BearerExtractor {

    /** The request carried no bearer token. */
    static final Result NONE = new Result(null, null);

    /** A token, or a 400 problem, or neither. */
    record Result(String token, String problem) {
    }

    /** Headers that ask a framework to treat the request as another method; a rule could be bypassed. */
    static final String[] METHOD_OVERRIDE_HEADERS = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};

    private BearerExtractor() {
    }

    /**
     * The request's bearer token, or a 400 problem, or neither. The token's characters are <em>not</em> checked
     * here: the caller runs {@link #checkToken} on it unless it is a token that verified before, which a string
     * that is not a b64token never is (see {@link #candidate}).
     */
    static Result extract(HttpServletRequest request) {
        String problem = checkParameters(request);
        if (problem != null) {
            return new Result(null, problem);
        }
        Enumeration<String> headers = request.getHeaders("Authorization");
        if (headers == null || !headers.hasMoreElements()) {
            return NONE;
        }
        String header = headers.nextElement();
        if (headers.hasMoreElements()) {
            return new Result(null, "more than one Authorization header");
        }
        return candidate(header);
    }

    /** Parses one Authorization header value. A scheme other than Bearer means no bearer token. */
    static Result parse(String header) {
        Result result = candidate(header);
        String problem = result.token() == null ? null : checkToken(result.token());
        return problem == null ? result : new Result(null, problem);
    }

    /**
     * {@link #parse} without the check of the token's characters: the scheme, the space after it, and the token
     * as the rest of the value without leading and trailing spaces. The character check is the only loop over
     * the whole token (about a thousand characters), so the filter skips it for a token that verified before: a
     * verified token is a compact JWS, spelled with base64url characters and dots only, which is a b64token.
     */
    static Result candidate(String header) {
        if (header.length() < 6 || !header.regionMatches(true, 0, "Bearer", 0, 6)) {
            return NONE;
        }
        if (header.length() == 6) {
            return new Result(null, "empty bearer token");
        }
        if (header.charAt(6) != ' ') {
            // "Bearerx..." is another scheme name, not ours.
            return header.charAt(6) == '\t' ? new Result(null, "malformed Authorization header") : NONE;
        }
        int start = 7;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++; // RFC 6750 §2.1: "Bearer" 1*SP b64token
        }
        if (start == header.length()) {
            return new Result(null, "empty bearer token");
        }
        int end = header.length();
        while (header.charAt(end - 1) == ' ') {
            end--; // stops at start at the latest: header[start] is not a space
        }
        return new Result(end == header.length() ? header.substring(start) : header.substring(start, end), null);
    }

    /**
     * Null when {@code token} (as {@link #candidate} gives it) is an RFC 6750 b64token, else the 400 problem:
     * {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}.
     */
    static String checkToken(String token) {
        int end = 0;
        while (end < token.length() && isB64TokenChar(token.charAt(end))) {
            end++;
        }
        if (end == 0) {
            // b64token needs one character before any "=": "Bearer =" carries no token (RFC 6750 §2.1).
            return "malformed bearer token";
        }
        while (end < token.length() && token.charAt(end) == '=') {
            end++;
        }
        if (end == token.length()) {
            return null;
        }
        // The candidate ends in a non-space, so a space here separates two tokens.
        return token.charAt(end) == ' ' ? "more than one token in the Authorization header" : "malformed bearer token";
    }

    /**
     * A table, not a chain of range tests: the token's characters are random base64, so a chain mispredicts a
     * branch every few characters, and this loop runs over every character of every request's token.
     */
    private static final boolean[] B64TOKEN = b64TokenTable();

    private static boolean[] b64TokenTable() {
        boolean[] table = new boolean[128];
        for (char c = 'A'; c <= 'Z'; c++) {
            table[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            table[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            table[c] = true;
        }
        for (char c : new char[] {'-', '.', '_', '~', '+', '/'}) {
            table[c] = true;
        }
        return table;
    }

    private static boolean isB64TokenChar(char c) {
        return c < 128 && B64TOKEN[c];
    }

    /**
     * Refuses access_token in the query or form body and method overrides: {@code _method} and the
     * X-HTTP-Method-Override family let one method pass the filter and another reach the application.
     */
    private static String checkParameters(HttpServletRequest request) {
        for (String name : METHOD_OVERRIDE_HEADERS) {
            if (request.getHeader(name) != null) {
                return "method override headers are not accepted";
            }
        }
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (name.equals("access_token")) {
                    return "a token in the query string is not accepted; use the Authorization header";
                }
                if (name.equals("_method")) {
                    return "the _method parameter is not accepted";
                }
            }
        }
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            if (request.getParameterValues("access_token") != null) {
                return "a token in the request body is not accepted; use the Authorization header";
            }
            if (request.getParameterValues("_method") != null) {
                return "the _method parameter is not accepted";
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a bad escape cannot spell access_token or _method once decoded
        }
    }
}
