package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Start-up: flags that override web.xml, configuration the filter refuses, and the real {@code main}. */
class StartupTest {

    @Test
    void startWhenModePermissiveThenFlagBeatsWebXmlAndDenialsPass() {
        try (ExampleApp.Running app = ExampleApp.start("--port=0", "--mode=permissive")) {
            Api api = new Api(app.baseUri());

            assertEquals(200, api.send("GET", "/paas/analytics/reports", null, null).statusCode());
            assertEquals(201, api.send("POST", "/paas/analytics/reports", api.token("paas-reader"), "{}").statusCode());
        }
    }

    @Test
    void startWhenRealmGivenThenChallengeNamesIt() {
        try (ExampleApp.Running app = ExampleApp.start("--port=0", "--challenge-realm=from-the-command-line")) {
            HttpResponse<String> response = new Api(app.baseUri()).send("GET", "/paas/stack/instances", null, null);

            assertEquals(401, response.statusCode());
            assertTrue(Api.header(response, "WWW-Authenticate").startsWith("Bearer realm=\"from-the-command-line\""));
        }
    }

    static Stream<Arguments> refusedByFilter() {
        return Stream.of(
                // flag | a word the one-line message names
                Arguments.of("--mode=bogus", "mode"),
                Arguments.of("--policy=/WEB-INF/missing.txt", "policy"),
                Arguments.of("--clock-skew=soon", "clock-skew"),
                Arguments.of("--cache-max-entries=many", "cache-max-entries"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("refusedByFilter")
    void startWhenFilterRefusesValueThenIllegalArgumentNamingIt(String flag, String parameter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExampleApp.start("--port=0", flag));

        assertTrue(e.getMessage().contains(parameter), e.getMessage());
        assertTrue(e.getMessage().startsWith("scope-enforcer:"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                // args | stderr
                Arguments.of(List.of("--bogus=1"), "example-app: unknown flag '--bogus' (see --help)"),
                Arguments.of(List.of("--port=x"), "example-app: --port must be a whole number from 0 to 65535"),
                Arguments.of(List.of("--port=0", "--mode=bogus"), "example-app: scope-enforcer: parameter mode:"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badCommandLines")
    void mainWhenBadCommandLineThenOneLineAndExitTwo(List<String> args, String stderr) throws Exception {
        Process process = java(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith(stderr), err);
    }

    @Test
    void mainWhenStartedThenPrintsUrlClientsCurlAndStopsOnSigterm() throws Exception {
        Process process = java(List.of("--port=0")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            List<String> banner = new ArrayList<>();
            for (String line = out.readLine(); line != null && !line.startsWith("Ctrl-C"); line = out.readLine()) {
                banner.add(line);
            }
            String first = banner.get(0);
            assertTrue(first.startsWith("Scope Enforcer example app on http://localhost:"), first);
            URI base = URI.create(first.split(" ")[5]);
            String text = String.join("\n", banner);
            for (String client : List.of("account-client", "paas-reader", "stack-operator", "analytics-reader",
                    "idm-admin", "acme-console", "acme-auditor", "globex-console")) {
                assertTrue(text.contains("  " + client + " "), text);
            }
            assertTrue(text.contains("curl -s -u paas-reader:paas-reader-secret"), text);
            assertEquals(200, new Api(base).send("GET", "/health", null, null).statusCode());

            process.destroy(); // SIGTERM: the shutdown hook stops Jetty

            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "stopped on SIGTERM");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void mainWhenHelpThenUsageAndExitZero() throws Exception {
        Process process = java(List.of("--help")).start();

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertTrue(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .startsWith("usage: java -jar example-app.jar"));
    }

    private static ProcessBuilder java(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExampleApp.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
