package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathFirewallTest {

    // The exact reasons of PathFirewall: each one reaches clients as the RFC 6750 error_description.
    private static final String NOT_ABSOLUTE = "the path must start with /";
    private static final String TOO_LONG = "the path is too long";
    private static final String TOO_MANY = "the path has too many segments";
    private static final String PARAMETERS = "path parameters (;) are not accepted";
    private static final String ENCODED_DOT = "encoded . in the path";
    private static final String DOT_SEGMENT = "dot segment (. or ..) in the path";
    private static final String EMPTY_SEGMENT = "empty segment (//) in the path";
    private static final String ENCODED_SLASH = "encoded slash or backslash in the path";
    private static final String BACKSLASH = "backslash in the path";
    private static final String DOUBLE_ENCODING = "encoded % (double encoding) in the path";
    private static final String ENCODED_SEMICOLON = "encoded ; in the path";
    private static final String ENCODED_CONTROL = "encoded control character in the path";
    private static final String ENCODED_NON_ASCII = "encoded non-ASCII byte in the path";
    private static final String BAD_ESCAPE = "bad percent-encoding";
    private static final String CONTROL = "control character in the path";
    private static final String NON_ASCII = "non-ASCII character in the path";
    private static final String NOT_PCHAR = "character not allowed in a path";

    private static Arguments row(String raw, String reason) {
        return Arguments.of(raw, reason);
    }

    /** Raw paths two parsers could read two ways, each with the first rule it breaks. */
    static Stream<Arguments> ambiguousPaths() {
        return Stream.of(
                row("", NOT_ABSOLUTE),
                row("admin/v1/Users", NOT_ABSOLUTE),
                row("http://localhost/admin/v1/Users", NOT_ABSOLUTE),
                row("*", NOT_ABSOLUTE),
                row("/x/..;/admin", PARAMETERS),
                row("/admin;x=1/Users", PARAMETERS),
                row("/admin/v1/Users;jsessionid=1", PARAMETERS),
                row("/%2e%2e/admin", ENCODED_DOT),
                row("/%2E%2E/admin", ENCODED_DOT),
                row("/paas/%2e/analytics", ENCODED_DOT),
                row("/a/.%2e/admin", ENCODED_DOT),
                row("/a/%2e./admin", ENCODED_DOT),
                row("/a/../admin", DOT_SEGMENT),
                row("/a/./admin", DOT_SEGMENT),
                row("/./admin", DOT_SEGMENT),
                row("/..", DOT_SEGMENT),
                row("/.", DOT_SEGMENT),
                row("/a/..", DOT_SEGMENT),
                row("//admin", EMPTY_SEGMENT),
                row("/admin//v1", EMPTY_SEGMENT),
                row("/admin/v1//", EMPTY_SEGMENT),
                row("/admin%2Fv1/Users", ENCODED_SLASH),
                row("/admin%2fv1", ENCODED_SLASH),
                row("/admin%5Cv1", ENCODED_SLASH),
                row("/admin\\v1", BACKSLASH),
                row("/admin%252e", DOUBLE_ENCODING),
                row("/admin%25", DOUBLE_ENCODING),
                row("/admin%3Bx=1", ENCODED_SEMICOLON),
                row("/admin%3b", ENCODED_SEMICOLON),
                row("/admin%0a", ENCODED_CONTROL),
                row("/admin%0D%0AX-Injected:1", ENCODED_CONTROL),
                row("/admin%00.json", ENCODED_CONTROL),
                row("/admin%7F", ENCODED_CONTROL),
                row("/admin%C3%A9", ENCODED_NON_ASCII),
                row("/admin%c0%ae%c0%ae/", ENCODED_NON_ASCII),
                row("/admin%", BAD_ESCAPE),
                row("/admin%4", BAD_ESCAPE),
                row("/admin%zz", BAD_ESCAPE),
                row("/admin%4g", BAD_ESCAPE),
                row("/admin\u0000", CONTROL),
                row("/admin\n", CONTROL),
                row("/admin\t", CONTROL),
                row("/admin\u00e9", NON_ASCII),
                row("/admin\uff0e\uff0e", NON_ASCII),
                row("/admin#fragment", NOT_PCHAR),
                row("/admin?x=1", NOT_PCHAR),
                row("/admin<script>", NOT_PCHAR),
                row("/admin v1", NOT_PCHAR),
                row("/admin\"", NOT_PCHAR),
                row("/admin{x}", NOT_PCHAR));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("ambiguousPaths")
    void canonicalizeWhenAmbiguousThenRejectedWithReason(String raw, String reason) {
        PathFirewall.Result result = PathFirewall.canonicalize(raw);
        assertTrue(result.rejected(), () -> "accepted: " + raw + " as " + result.segments());
        assertEquals(reason, result.rejection(), raw);
        assertNull(result.segments(), raw);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "/                               | ",
        "/health                         | health",
        "/admin/v1/Users                 | admin,v1,Users",
        "/ADMIN/v1/Users                 | ADMIN,v1,Users",
        "/paas/analytics/reports/        | paas,analytics,reports,",
        "/%41dmin/v1                     | Admin,v1",
        "/groups/g1:addMembers           | groups,g1:addMembers",
        "/a/.well-known                  | a,.well-known",
        "/a/...                          | a,...",
        "/a/..b                          | a,..b",
        "/a/b%20c                        | a,b c",
        "/a/b~c_d-e                      | a,b~c_d-e",
    })
    void canonicalizeWhenPlainOrAcceptedOddityThenDecodedSegments(String raw, String expected) {
        PathFirewall.Result result = PathFirewall.canonicalize(raw);
        assertFalse(result.rejected(), () -> "rejected: " + result.rejection());
        List<String> segments = expected == null ? List.of() : List.of(expected.split(",", -1));
        assertEquals(segments, result.segments());
    }

    @ParameterizedTest
    @ValueSource(ints = {PathFirewall.MAX_LENGTH + 1, 100_000})
    void canonicalizeWhenTooLongThenRejected(int length) {
        String raw = "/" + "a".repeat(length - 1);
        assertEquals(TOO_LONG, PathFirewall.canonicalize(raw).rejection());
    }

    @ParameterizedTest
    @ValueSource(ints = {PathFirewall.MAX_SEGMENTS + 1, 1000})
    void canonicalizeWhenTooManySegmentsThenRejected(int count) {
        String raw = "/a".repeat(count);
        assertEquals(TOO_MANY, PathFirewall.canonicalize(raw).rejection());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin%0a", "/x/..;/admin", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%00"})
    void canonicalizeWhenRejectedThenReasonEchoesNoPath(String raw) {
        String reason = PathFirewall.canonicalize(raw).rejection();
        assertFalse(reason.contains("admin") || reason.contains("aaaa"), reason);
    }

    /** Found by EnforcerFuzzTest: "encoded / or [backslash] in the path" reached clients as "encoded / or ? in...". */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"/a%2Fb", "/a%5cb", "/a\\b", "/a;b", "/a%3Bb", "/a%2eb/%2e", "/a%25", "/a%0d", "/a%C3", "/a\u00e9",
        "/a b", "/a\"b", "//", "/..", "/a%", "a"})
    void canonicalizeWhenRejectedThenReasonFitsAnErrorDescription(String raw) {
        String reason = PathFirewall.canonicalize(raw).rejection();
        // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E.
        assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\'), reason);
    }
}
