package io.scopeenforcer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example app's route policy, read from {@code example-app/src/main/webapp/WEB-INF/policy.txt} itself, so
 * that the tests which claim to run on it cannot drift from it. enforcer-core cannot depend on example-app:
 * Surefire passes the file's path in the system property {@value #PROPERTY} (enforcer-core/pom.xml). A missing
 * property or file fails the test class loudly rather than testing some other policy.
 */
final class ExamplePolicy {

    /** The system property with the path of the example app's {@code policy.txt}. */
    static final String PROPERTY = "example.policy";

    private ExamplePolicy() {
    }

    /** The text of the example app's {@code policy.txt}. */
    static String text() {
        String location = System.getProperty(PROPERTY);
        if (location == null || location.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: run the tests through Maven"
                    + " (enforcer-core/pom.xml sets it for Surefire) or pass -D" + PROPERTY
                    + "=<checkout>/example-app/src/main/webapp/WEB-INF/policy.txt");
        }
        Path file = Path.of(location);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the example app's policy is missing: " + file.toAbsolutePath());
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example app's policy " + file.toAbsolutePath(), e);
        }
    }
}
