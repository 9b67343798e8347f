package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    /**
     * SIGTERM to the app as {@code java -jar} runs it: the web app read from a jar (a zip file system, which Jetty
     * once closed before its own stop had finished with it), and with {@code --tls} the owner-only directory of the
     * demo certificates, which the one shutdown hook deletes after the server stopped.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sigtermRuns")
    void mainWhenSigtermThenStopsWithoutExceptionAndLeavesNoTlsFiles(List<String> args, @TempDir Path work)
            throws Exception {
        Path stderr = work.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPathWithWebAppInJar(work), ExampleApp.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            Path tlsDirectory = null;
            for (String line = out.readLine(); line != null && !line.startsWith("Ctrl-C"); line = out.readLine()) {
                if (line.startsWith("TLS files (deleted at stop): ")) {
                    tlsDirectory = Path.of(line.substring("TLS files (deleted at stop): ".length()));
                }
            }
            assertEquals(args.contains("--tls"), tlsDirectory != null && Files.isDirectory(tlsDirectory),
                    "the TLS directory exists while the app runs, with --tls only");

            process.destroy(); // SIGTERM on Linux and macOS

            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "stopped on SIGTERM");
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            assertFalse(err.contains("Exception"), err);
            if (tlsDirectory != null) {
                assertFalse(Files.exists(tlsDirectory), "deleted at stop: " + tlsDirectory);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    static Stream<Arguments> sigtermRuns() {
        return Stream.of(
                Arguments.of(List.of("--port=0")),
                Arguments.of(List.of("--port=0", "--tls")));
    }

    /**
     * This test's class path with the module's classes directory (the one holding {@code webapp/}) packed into a jar,
     * so that Jetty serves the web app from a {@code jar:file:} base resource, as in the fat jar.
     */
    private static String classPathWithWebAppInJar(Path work) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path classes = Path.of(entry);
            if (!Files.isRegularFile(classes.resolve("webapp/WEB-INF/web.xml"))) {
                entries.add(entry);
                continue;
            }
            Path jar = work.resolve("example-app-classes.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(classes)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                    if (name.isEmpty()) {
                        continue;
                    }
                    boolean directory = Files.isDirectory(file);
                    out.putNextEntry(new JarEntry(directory ? name + "/" : name));
                    if (!directory) {
                        Files.copy(file, out);
                    }
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(File.pathSeparator, entries);
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
