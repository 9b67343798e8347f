package io.scopeenforcer;

import java.util.ArrayList;
import java.util.List;

/**
 * Canonicalizes a raw request path once, before any matching, and rejects what two parsers could read two
 * ways rather than "cleaning" it into something else. Every rejection answers 400. Each rule names the
 * attack it stops; the common root is that the filter and the container (or a proxy) must see one path.
 */
final class PathFirewall {

    /** Longer paths are rejected: nothing legitimate needs more, and it bounds the matching work. */
    static final int MAX_LENGTH = 4096;
    static final int MAX_SEGMENTS = 64;

    /**
     * A canonical, percent-decoded path, or why the raw one was rejected (then {@code segments} is null). The list
     * is not to be modified.
     */
    record Result(List<String> segments, String rejection) {
        boolean rejected() {
            return rejection != null;
        }
    }

    private PathFirewall() {
    }

    /**
     * Canonicalizes a raw, still percent-encoded path (no query string).
     *
     * @return the decoded segments (a trailing {@code /} gives a final empty segment), or a rejection
     */
    static Result canonicalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            // Absolute-form request targets ("GET http://host/admin", RFC 9112 §3.2.2) and relative paths are not
            // matched: a proxy and the container may resolve them differently.
            return reject("the path must start with /");
        }
        if (raw.length() > MAX_LENGTH) {
            return reject("the path is too long");
        }
        // A segment without escapes is a substring of the raw path; only a segment with a %XX is built char by
        // char. The checks and their order (hence the reported rejection) are the same either way.
        List<String> segments = new ArrayList<>(8);
        StringBuilder decodedSegment = null;
        int segmentStart = 1;
        boolean escaped = false;
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '/') {
                String segment = escaped ? decodedSegment.toString() : raw.substring(segmentStart, i);
                String problem = endSegment(segment, false);
                if (problem != null) {
                    return reject(problem);
                }
                segments.add(segment);
                if (segments.size() > MAX_SEGMENTS) {
                    return reject("the path has too many segments");
                }
                segmentStart = i + 1;
                escaped = false;
                continue;
            }
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    // RFC 3986 §2.1: "%" must be followed by two hex digits.
                    return reject("bad percent-encoding");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 0x7F || raw.charAt(i + 2) > 0x7F) {
                    return reject("bad percent-encoding");
                }
                char decoded = (char) (hi * 16 + lo);
                String problem = checkDecoded(decoded);
                if (problem != null) {
                    return reject(problem);
                }
                if (!escaped) {
                    if (decodedSegment == null) {
                        decodedSegment = new StringBuilder();
                    }
                    decodedSegment.setLength(0);
                    decodedSegment.append(raw, segmentStart, i);
                    escaped = true;
                }
                decodedSegment.append(decoded);
                i += 2;
                continue;
            }
            String problem = checkRaw(c);
            if (problem != null) {
                return reject(problem);
            }
            if (escaped) {
                decodedSegment.append(c);
            }
        }
        String last = escaped ? decodedSegment.toString() : raw.substring(Math.min(segmentStart, raw.length()));
        String problem = endSegment(last, true);
        if (problem != null) {
            return reject(problem);
        }
        if (raw.length() > 1) {
            segments.add(last);
        }
        if (segments.size() > MAX_SEGMENTS) {
            return reject("the path has too many segments");
        }
        // Not wrapped: the list never leaves the package, and the matcher only reads it (one object less per request).
        return new Result(segments, null);
    }

    /** Why each ASCII character is refused in a raw path, or null; everything above ASCII is refused. */
    private static final String[] RAW_PROBLEMS = rawProblems();

    private static String[] rawProblems() {
        String[] problems = new String[128];
        for (char c = 0; c < 128; c++) {
            problems[c] = rawProblem(c);
        }
        return problems;
    }

    /** By table: this runs for every character of every request path. */
    private static String checkRaw(char c) {
        return c < 128 ? RAW_PROBLEMS[c] : rawProblem(c);
    }

    private static String rawProblem(char c) {
        if (c < 0x20 || c == 0x7F) {
            // CR/LF/NUL/TAB in a path: CVE-2022-22978 (regex matchers where "." misses "\n"), CVE-2021-34429 (NUL).
            return "control character in the path";
        }
        if (c > 0x7E) {
            // RFC 3986 §2: a URI is ASCII. Unicode look-alikes (U+FF0E "．") normalize differently per parser.
            return "non-ASCII character in the path";
        }
        if (c == ';') {
            // Path parameters ("/x/..;/admin", "/admin;x=1/"): servlet containers strip them, matchers may not.
            // CVE-2020-1957 (Apache Shiro), CVE-2016-5007 (Spring Security vs Spring MVC).
            return "path parameters (;) are not accepted";
        }
        if (c == '\\') {
            // Some servers treat "\" as "/": CVE-2007-0450 (Tomcat "\" and "%5c" traversal).
            return "backslash in the path";
        }
        if (c == '#' || c == '?' || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{'
                || c == '}' || c == '|' || c == '^' || c == '[' || c == ']') {
            // RFC 3986 §3.3: not a pchar; a raw one here means a parser upstream disagreed about the request line.
            return "character not allowed in a path";
        }
        return null;
    }

    private static String checkDecoded(char decoded) {
        switch (decoded) {
            case '/':
            case '\\':
                // Encoded separators: "%2F" and "%5C" split segments differently in proxies and containers.
                // CVE-2007-0450 (Tomcat), CVE-2021-28164 (Jetty ambiguous paths).
                // The reason goes into an RFC 6750 error_description, which may not hold a backslash (RFC 6750 §3).
                return "encoded slash or backslash in the path";
            case '.':
                // "%2e%2e" rebuilds ".." after the check: CVE-2021-28164 (Jetty WEB-INF bypass), CVE-2020-17519.
                return "encoded . in the path";
            case '%':
                // Double encoding ("%252e" -> "%2e" -> "."): CVE-2020-11989 (Apache Shiro).
                return "encoded % (double encoding) in the path";
            case ';':
                // "%3b" path parameters: CVE-2020-13933 (Apache Shiro).
                return "encoded ; in the path";
            default:
                break;
        }
        if (decoded < 0x20 || decoded == 0x7F) {
            // "%00", "%0a", "%0d": NUL truncation and header/log injection; CVE-2021-34429, CVE-2022-22978.
            return "encoded control character in the path";
        }
        if (decoded > 0x7E) {
            // Encoded non-ASCII bytes, including overlong UTF-8 such as "%c0%ae" (CVE-2000-0884).
            return "encoded non-ASCII byte in the path";
        }
        return null;
    }

    private static String endSegment(String segment, boolean last) {
        if (segment.isEmpty()) {
            // "//" can join two segments in some normalizers and not others; a single trailing "/" is kept.
            return last ? null : "empty segment (//) in the path";
        }
        if (segment.equals(".") || segment.equals("..")) {
            // RFC 3986 §5.2.4 dot-segments are resolved differently by each parser: CVE-2021-28164.
            return "dot segment (. or ..) in the path";
        }
        return null;
    }

    private static Result reject(String reason) {
        return new Result(null, reason);
    }
}
