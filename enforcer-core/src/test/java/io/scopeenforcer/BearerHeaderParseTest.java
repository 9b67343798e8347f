package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BearerHeader#parse} on header values, including those a container would not let through (control
 * characters, non-ASCII); the same values over real HTTP are in the servlet module's {@code BearerHeaderTest}.
 */
class BearerHeaderParseTest {

    static Stream<Arguments> parseCases() {
        return Stream.of(
                Arguments.of("Bearer abc", "abc", null),
                Arguments.of("bearer abc", "abc", null),
                Arguments.of("Bearer a-b.c_d~e+f/g==", "a-b.c_d~e+f/g==", null),
                Arguments.of("Bearer abc  ", "abc", null),
                Arguments.of("Bearer   abc", "abc", null),
                Arguments.of("Bearer", null, "empty bearer token"),
                Arguments.of("Bearer ", null, "empty bearer token"),
                Arguments.of("Bearer \t", null, "malformed bearer token"),
                Arguments.of("Bearer\tabc", null, "malformed Authorization header"),
                Arguments.of("Bearer a b", null, "more than one token in the Authorization header"),
                Arguments.of("Bearer a\u0000b", null, "malformed bearer token"),
                Arguments.of("Bearer a\nb", null, "malformed bearer token"),
                Arguments.of("Bearer ab\u00e9", null, "malformed bearer token"),
                Arguments.of("Bearer =abc", null, "malformed bearer token"),
                // Found by the header fuzz test: padding alone was taken for the token "=".
                Arguments.of("Bearer =", null, "malformed bearer token"),
                Arguments.of("Bearer    ==  ", null, "malformed bearer token"),
                Arguments.of("Bearer abc=\t", null, "malformed bearer token"),
                Arguments.of("Bearerabc", null, null),
                Arguments.of("Basic abc", null, null),
                Arguments.of("", null, null),
                Arguments.of("Bear", null, null));
    }

    @ParameterizedTest(name = "''{0}''")
    @MethodSource("parseCases")
    void parseWhenHeaderValueThenTokenOrProblem(String header, String token, String problem) {
        BearerHeader.Result result = BearerHeader.parse(header);
        assertEquals(token, result.token());
        assertEquals(problem, result.problem());
    }
}
