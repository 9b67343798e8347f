package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.scopeenforcer.example.issuer.Directory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No password, code, token, secret or session cookie in any log line while the code flow runs, failures
 * included (wrong password, replayed code, wrong verifier, replayed refresh token): everything the app's
 * {@code System.Logger}s (JUL, every level) and Jetty's SLF4J appender write is captured and searched.
 */
class CodeFlowLogTest {

    private final AuthorizationCodeFlowTest flow = new AuthorizationCodeFlowTest();
    private final Api api = Api.shared();

    @Test
    void codeFlowWhenRunWithFailuresThenNoCredentialInAnyLogLine() {
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLoggerName() + " " + record.getMessage() + " " + record.getParameters() + " "
                        + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger app = Logger.getLogger("io.scopeenforcer");
        Level appLevel = app.getLevel();
        root.addHandler(handler);
        app.setLevel(Level.ALL);
        StdErrAppender appender = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger("org.eclipse.jetty"))
                .getAppender();
        PrintStream jettyStream = appender.getStream();
        ByteArrayOutputStream jetty = new ByteArrayOutputStream();
        appender.setStream(new PrintStream(jetty, true, StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>();
        try {
            secrets.addAll(run());
        } finally {
            appender.setStream(jettyStream);
            root.removeHandler(handler);
            app.setLevel(appLevel);
        }
        String logged = String.join("\n", lines) + "\n" + jetty.toString(StandardCharsets.UTF_8);
        for (String secret : secrets) {
            assertFalse(logged.contains(secret), "a credential was logged: " + logged);
        }
        assertEquals(8, secrets.size(), "every kind of credential was searched for");
        // The capture works: the filter's denial line of the 403 (realms:read was dropped) is in it.
        assertFalse(lines.isEmpty(), "nothing was captured");
    }

    /** The flow with its failures; returns every credential it saw. */
    private List<String> run() {
        Browser browser = new Browser();
        HttpResponse<String> signIn = browser.get(flow.authorizeUri(flow.acmeRequest(AuthorizationCodeFlowTest.ACME_SCOPE)));
        browser.submit(api.base(), signIn, Map.of("username", "alice", "password", "alice-typo-password"));
        HttpResponse<String> consent = browser.submit(api.base(), signIn,
                Map.of("username", "alice", "password", Directory.passwordOf("alice")));
        String session = browser.cookies.get("dev_issuer_session");
        String code = Browser.query(Api.header(browser.submit(api.base(), consent, Map.of("decision", "allow")),
                "Location")).get("code");
        Map<String, Object> tokens = Api.json(flow.exchange("acme-web", code, flow.acmeCallback(),
                AuthorizationCodeFlowTest.VERIFIER));
        flow.exchange("acme-web", code, flow.acmeCallback(), AuthorizationCodeFlowTest.VERIFIER);
        String wrongVerifier = AuthorizationCodeFlowTest.VERIFIER + "x";
        flow.exchange("acme-web", "forged-code", flow.acmeCallback(), wrongVerifier);
        String refresh = (String) tokens.get("refresh_token");
        flow.refresh("acme-web", refresh);
        flow.refresh("acme-web", refresh);
        api.send("GET", "/v1/tenants/acme/realms/prod", (String) tokens.get("access_token"), null);
        return List.of(Directory.passwordOf("alice"), "alice-typo-password", session, code,
                (String) tokens.get("access_token"), refresh, "acme-web-secret", wrongVerifier);
    }
}
