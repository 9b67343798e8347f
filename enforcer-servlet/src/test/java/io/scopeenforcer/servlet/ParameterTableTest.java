package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's parameter table is the filter's {@link FilterParameter} table, row for row: a parameter cannot be
 * documented and not read, or read and not documented.
 */
class ParameterTableTest {

    private static final Path README = Path.of(System.getProperty("project.readme", "../README.md"));
    private static final String HEADER = "| parameter | default | meaning |";

    /** The table's rows as the README must have them, in the enum's order. */
    static List<String> expectedRows() {
        List<String> rows = new ArrayList<>();
        for (FilterParameter p : FilterParameter.values()) {
            rows.add("| `" + p.parameterName() + "` | " + (p.defaultValue().isEmpty() || p.defaultValue().equals("required")
                    || p.defaultValue().equals("off") || p.defaultValue().startsWith("one of")
                    ? p.defaultValue() : "`" + p.defaultValue() + "`") + " | " + p.description() + " |");
        }
        return rows;
    }

    @Test
    void readmeWhenParameterTableThenEqualsFilterParameterTable() throws IOException {
        assertTrue(Files.isReadable(README), "README.md not found at " + README.toAbsolutePath());
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "README has no line " + HEADER);
        List<String> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(lines.get(i));
        }
        assertEquals(String.join("\n", expectedRows()), String.join("\n", rows),
                "README's parameter table differs from FilterParameter; regenerate it from expectedRows()");
    }

    @Test
    void closestWhenMisspeltThenSuggestsTheParameter() {
        assertEquals(FilterParameter.CLOCK_SKEW, FilterParameter.closest("clock_skew").orElseThrow());
        assertEquals(FilterParameter.CACHE_MAX_ENTRIES, FilterParameter.closest("cache-max-entry").orElseThrow());
        assertEquals(FilterParameter.MODE, FilterParameter.closest("Mode").orElseThrow());
        assertEquals(FilterParameter.STRICT_TOKEN_TYPE, FilterParameter.closest("strict-token-typ").orElseThrow());
        assertTrue(FilterParameter.closest("frobnicate").isEmpty());
        assertEquals(FilterParameter.CHALLENGE_REALM, FilterParameter.named("realm").orElseThrow(),
                "the deprecated alias still names its parameter");
    }
}
