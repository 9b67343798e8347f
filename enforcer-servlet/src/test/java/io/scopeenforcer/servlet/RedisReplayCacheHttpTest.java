package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DPoP replay cache shared over a real {@code redis-server} (RFC 9449 §11.1), over real HTTP: a proof accepted
 * by one filter instance is refused by a second one sharing the Redis; its key expires after the retention (twice
 * the proof window); with Redis stopped, {@code fail-closed} answers 503 with {@code Retry-After} and
 * {@code fail-open} lets the request through, warning once. Each test starts its own {@code redis-server} on a free
 * loopback port, without persistence, and stops it; a missing {@code /usr/bin/redis-server} fails the test.
 */
class RedisReplayCacheHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    static final String ORIGIN = "https://api.example.test";
    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    static final ECKey KEY = DpopProofs.newEcKey();
    /** Two seconds: the retention, and so each key's expiry, is four. */
    static final int WINDOW_SECONDS = 2;

    private static Redis shared;
    private static FilterServer first;
    private static FilterServer second;

    @BeforeAll
    static void start() throws IOException {
        shared = Redis.start();
        first = HARNESS.start("/app", params(shared, "fail-closed"));
        second = HARNESS.start("/app", params(shared, "fail-closed"));
    }

    @AfterAll
    static void stop() {
        if (shared != null) {
            shared.close();
        }
    }

    static Map<String, String> params(Redis redis, String outage) {
        Map<String, String> params = HARNESS.params();
        params.put("dpop-origin", ORIGIN);
        params.put("dpop-proof-window", Integer.toString(WINDOW_SECONDS));
        params.put("dpop-replay-cache", "redis://127.0.0.1:" + redis.port + "/0");
        params.put("dpop-replay-cache-timeout", "200");
        params.put("dpop-replay-cache-outage", outage);
        return params;
    }

    /** A GET /app/me with a token bound to {@link #KEY} and a fresh proof (a new {@code jti}). */
    static Request me() {
        String token = IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        return Request.of("GET", "/me", "Authorization", "DPoP " + token, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/app/me", token, Instant.now()).sign());
    }

    @Test
    void proofWhenReplayedToSecondInstanceThenRefusedAndItsKeyExpiresAfterTheRetention() throws Exception {
        shared.command("FLUSHALL");
        Request request = me();
        Reply accepted = first.send(request);
        assertEquals(200, accepted.status(), accepted::body);
        long setAt = System.nanoTime();

        Reply replayed = second.send(request);
        assertProblem(replayed, 401, "the DPoP proof was already used", null);
        assertEquals("invalid_dpop_proof", DpopHttpTest.json(replayed).get("error"));
        assertNothingEchoed(replayed, request.headers().get(1).substring(5), request.headers().get(3));

        // One key: the prefix and the base64url SHA-256 of thumbprint and jti, never the proof; kept for the retention, 2 x the window.
        String keys = shared.command("KEYS", "*");
        assertTrue(keys.matches("\\*1\r\n\\$67\r\nscope-enforcer:dpop-jti:[A-Za-z0-9_-]{43}\r\n"), keys);
        String key = keys.substring(keys.indexOf("scope-enforcer:"), keys.length() - 2);
        long ttl = Long.parseLong(shared.command("PTTL", key).substring(1).strip());
        assertTrue(ttl > (WINDOW_SECONDS * 2 - 1) * 1000L && ttl <= WINDOW_SECONDS * 2 * 1000L, "PTTL " + ttl);

        // Gone once the retention is over (Redis expires it), not before.
        while (shared.command("EXISTS", key).equals(":1\r\n")) {
            assertTrue(System.nanoTime() - setAt < TimeUnit.SECONDS.toNanos(WINDOW_SECONDS * 2 + 2), "never expired");
            Thread.sleep(100);
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setAt);
        assertTrue(elapsedMillis >= (WINDOW_SECONDS * 2 - 1) * 1000L, "expired after " + elapsedMillis + " ms");
    }

    @Test
    void proofWhenFreshThenAcceptedByEitherInstanceOnce() {
        Reply viaSecond = second.send(me());
        assertEquals(200, viaSecond.status(), viaSecond::body);
        Reply viaFirst = first.send(me());
        assertEquals(200, viaFirst.status(), viaFirst::body);
    }

    static Stream<Arguments> outages() {
        return Stream.of(
                Arguments.of("fail-closed", 503, "fail-closed: DPoP requests are answered 503"),
                Arguments.of("fail-open", 200, "fail-open: proofs are accepted WITHOUT replay protection"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("outages")
    void requestWhenRedisStoppedThenAnsweredAsConfigured(String outage, int status, String warning)
            throws IOException {
        Redis redis = Redis.start();
        FilterServer server;
        try {
            server = HARNESS.start("/app", params(redis, outage));
            Reply up = server.send(me());
            assertEquals(200, up.status(), up::body);
        } finally {
            redis.close();
        }
        try (Captured log = Captured.capture()) {
            for (int i = 0; i < 2; i++) {
                Request request = me();
                Reply down = server.send(request);
                if (status == 503) {
                    assertProblem(down, 503, "the DPoP replay cache is temporarily unavailable", null);
                    assertEquals("5", down.header("Retry-After"));
                    assertEquals("replay_cache_unavailable", DpopHttpTest.json(down).get("reason"));
                    assertNull(down.header("WWW-Authenticate"));
                } else {
                    assertEquals(200, down.status(), down::body);
                }
                assertNothingEchoed(down, request.headers().get(1).substring(5), request.headers().get(3));
            }
            // Once per outage, not once per request; host and port only.
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains(warning), lines::toString);
            assertTrue(lines.get(0).contains("redis://127.0.0.1:" + redis.port + "/0"), lines::toString);
        }
    }

    @Test
    void urlWhenItHoldsAPasswordThenNeverLogged() throws IOException {
        try (Captured log = Captured.capture()) {
            Map<String, String> params = HARNESS.params();
            params.put("dpop-origin", ORIGIN);
            // Nothing listens there: the first request is an outage, and its warning names host and port only.
            params.put("dpop-replay-cache", "redis://:s3cret-pass@127.0.0.1:" + freePort() + "/0");
            params.put("dpop-replay-cache-outage", "fail-closed");
            FilterServer server = HARNESS.start("/pw", params);
            Reply closed = server.send(pw());
            assertProblem(closed, 503, "the DPoP replay cache is temporarily unavailable", null);
            assertNothingEchoed(closed, "s3cret-pass");
            assertFalse(log.lines().isEmpty());
            log.lines().forEach(line -> assertFalse(line.contains("s3cret"), line));
        }
    }

    /** A request like {@link #me()}, for the {@code /pw} app. */
    static Request pw() {
        String token = IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        return Request.of("GET", "/me", "Authorization", "DPoP " + token, "DPoP",
                DpopProofs.proof(KEY, "GET", ORIGIN + "/pw/me", token, Instant.now()).sign());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The replay cache's log lines, through java.util.logging (where System.Logger goes by default). */
    static final class Captured extends Handler implements AutoCloseable {
        private static final Logger LOGGER = Logger.getLogger(RedisReplayCache.class.getName());
        private final List<String> lines = new ArrayList<>();

        static Captured capture() {
            Captured log = new Captured();
            log.setLevel(java.util.logging.Level.ALL);
            LOGGER.addHandler(log);
            return log;
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                lines.add(record.getParameters() == null ? record.getMessage()
                        : java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            LOGGER.removeHandler(this);
        }
    }

    /** A foreground {@code redis-server} on a free loopback port, no persistence; {@link #close} stops it. */
    static final class Redis implements AutoCloseable {
        final int port;
        private final Process process;

        private Redis(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        static Redis start() throws IOException {
            if (!Files.isExecutable(REDIS_SERVER)) {
                fail(REDIS_SERVER + " is missing: install the Debian package redis-server (apt-get install -y"
                        + " redis-server); this test needs a real Redis and does not skip");
            }
            int port = freePort();
            Process process = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no", "--bind", "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Redis redis = new Redis(port, process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    if (redis.command("PING").equals("+PONG\r\n")) {
                        return redis;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    redis.close();
                    fail("redis-server did not start on port " + port);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }

        /** One command in RESP; the raw reply (a single read: the replies here are short). */
        String command(String... args) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(2000);
                StringBuilder out = new StringBuilder().append('*').append(args.length).append("\r\n");
                for (String arg : args) {
                    out.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                            .append("\r\n");
                }
                OutputStream o = socket.getOutputStream();
                o.write(out.toString().getBytes(StandardCharsets.UTF_8));
                o.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                int n = in.read(buffer);
                return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
