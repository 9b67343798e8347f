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
     * Canonicalizes a raw, still percent-encoded path (no query string), as segment strings: {@link #scan} for callers
     * that want strings (the tests and fuzzers); the engine scans into a {@link RequestPath} and builds none.
     *
     * @return the decoded segments (a trailing {@code /} gives a final empty segment), or a rejection
     */
    static Result canonicalize(String raw) {
        RequestPath path = new RequestPath();
        String rejection = raw == null ? "the path must start with /" : scan(raw, raw.length(), path);
        if (rejection != null) {
            return reject(rejection);
        }
        List<String> segments = new ArrayList<>(path.count());
        for (int i = 0; i < path.count(); i++) {
            segments.add(path.segment(i));
        }
        return new Result(segments, null);
    }

    /**
     * Checks the raw, still percent-encoded path {@code raw[0, end)} and fills {@code out} with its canonical
     * segments: regions of {@code raw} itself when it holds no {@code %XX} (no string is built), else of its
     * decoding. The checks and their order (hence the reported rejection) do not depend on which.
     *
     * @param end where the path ends in {@code raw} (a {@code ?} and what follows are not part of it)
     * @return null when accepted, else why not
     */
    static String scan(String raw, int end, RequestPath out) {
        if (end == 0 || raw.charAt(0) != '/') {
            // Absolute-form request targets ("GET http://host/admin", RFC 9112 §3.2.2) and relative paths are not
            // matched: a proxy and the container may resolve them differently.
            return "the path must start with /";
        }
        if (end > MAX_LENGTH) {
            return "the path is too long";
        }
        out.start(raw);
        // A segment holds a decoded "." or ".." only when its raw form is exactly that (an encoded "." is refused),
        // and is empty only when its raw form is: the segment checks can read the raw path.
        int segmentStart = 1;
        int colon = -1; // the segment's first ':' and its String.hashCode(), for the route matcher
        int hash = 0;
        boolean escaped = false;
        for (int i = 1; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '/') {
                String problem = endSegment(raw, segmentStart, i, false);
                if (problem != null) {
                    return problem;
                }
                out.add(segmentStart, i, colon, hash);
                if (out.count() > MAX_SEGMENTS) {
                    return "the path has too many segments";
                }
                segmentStart = i + 1;
                colon = -1;
                hash = 0;
                continue;
            }
            hash = 31 * hash + c;
            if (c == ':' && colon < 0) {
                colon = i;
            }
            if (c == '%') {
                if (i + 2 >= end) {
                    // RFC 3986 §2.1: "%" must be followed by two hex digits.
                    return "bad percent-encoding";
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 0x7F || raw.charAt(i + 2) > 0x7F) {
                    return "bad percent-encoding";
                }
                String problem = checkDecoded((char) (hi * 16 + lo));
                if (problem != null) {
                    return problem;
                }
                escaped = true;
                i += 2;
                continue;
            }
            String problem = checkRaw(c);
            if (problem != null) {
                return problem;
            }
        }
        String problem = endSegment(raw, Math.min(segmentStart, end), end, true);
        if (problem != null) {
            return problem;
        }
        if (end > 1) {
            out.add(segmentStart, end, colon, hash);
        }
        if (out.count() > MAX_SEGMENTS) {
            return "the path has too many segments";
        }
        if (escaped) {
            decode(raw, end, out);
        }
        return null;
    }

    /**
     * Refills {@code out} over the decoding of an accepted {@code raw[0, end)}: every escape in it was checked, and
     * none decodes to {@code /}, so its segments are those of the raw path.
     */
    private static void decode(String raw, int end, RequestPath out) {
        StringBuilder decoded = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                c = (char) (Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            }
            decoded.append(c);
        }
        String path = decoded.toString();
        int segments = out.count();
        out.start(path);
        int segmentStart = 1;
        for (int i = 1; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                out.add(segmentStart, i);
                segmentStart = i + 1;
            }
        }
        if (segments > out.count()) {
            out.add(segmentStart, path.length());
        }
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

    private static String endSegment(String raw, int start, int end, boolean last) {
        int length = end - start;
        if (length == 0) {
            // "//" can join two segments in some normalizers and not others; a single trailing "/" is kept.
            return last ? null : "empty segment (//) in the path";
        }
        if (raw.charAt(start) == '.' && (length == 1 || length == 2 && raw.charAt(start + 1) == '.')) {
            // RFC 3986 §5.2.4 dot-segments are resolved differently by each parser: CVE-2021-28164.
            return "dot segment (. or ..) in the path";
        }
        return null;
    }

    private static Result reject(String reason) {
        return new Result(null, reason);
    }
}
