package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathFirewallTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "",
        "admin/v1/Users",
        "http://localhost/admin/v1/Users",
        "*",
        "/x/..;/admin",
        "/admin;x=1/Users",
        "/admin/v1/Users;jsessionid=1",
        "/%2e%2e/admin",
        "/%2E%2E/admin",
        "/paas/%2e/analytics",
        "/a/.%2e/admin",
        "/a/%2e./admin",
        "/a/../admin",
        "/a/./admin",
        "/./admin",
        "/..",
        "/.",
        "/a/..",
        "//admin",
        "/admin//v1",
        "/admin/v1//",
        "/admin%2Fv1/Users",
        "/admin%2fv1",
        "/admin%5Cv1",
        "/admin\\v1",
        "/admin%252e",
        "/admin%25",
        "/admin%3Bx=1",
        "/admin%3b",
        "/admin%0a",
        "/admin%0D%0AX-Injected:1",
        "/admin%00.json",
        "/admin%7F",
        "/admin%C3%A9",
        "/admin%c0%ae%c0%ae/",
        "/admin%",
        "/admin%4",
        "/admin%zz",
        "/admin%4g",
        "/admin\u0000",
        "/admin\n",
        "/admin\t",
        "/admin\u00e9",
        "/admin\uff0e\uff0e",
        "/admin#fragment",
        "/admin?x=1",
        "/admin<script>",
        "/admin v1",
        "/admin\"",
        "/admin{x}",
    })
    void canonicalizeWhenAmbiguousThenRejected(String raw) {
        PathFirewall.Result result = PathFirewall.canonicalize(raw);
        assertTrue(result.rejected(), () -> "accepted: " + raw + " as " + result.segments());
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
        assertTrue(PathFirewall.canonicalize(raw).rejected());
    }

    @ParameterizedTest
    @ValueSource(ints = {PathFirewall.MAX_SEGMENTS + 1, 1000})
    void canonicalizeWhenTooManySegmentsThenRejected(int count) {
        String raw = "/a".repeat(count);
        assertTrue(PathFirewall.canonicalize(raw).rejected());
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
