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
        return parse(header);
    }

    /** Parses one Authorization header value. A scheme other than Bearer means no bearer token. */
    static Result parse(String header) {
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
        int end = start;
        while (end < header.length() && isB64TokenChar(header.charAt(end))) {
            end++;
        }
        if (end == start) {
            // b64token needs one character before any "=": "Bearer =" carries no token (RFC 6750 §2.1).
            return new Result(null, "malformed bearer token");
        }
        while (end < header.length() && header.charAt(end) == '=') {
            end++; // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        }
        if (end == header.length()) {
            return new Result(header.substring(start), null);
        }
        for (int i = end; i < header.length(); i++) {
            if (header.charAt(i) != ' ') {
                return new Result(null, header.charAt(end) == ' ' ? "more than one token in the Authorization header"
                        : "malformed bearer token");
            }
        }
        return new Result(header.substring(start, end), null);
    }

    private static boolean isB64TokenChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
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
