package io.scopeenforcer.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real JWKS endpoint for tests: Jetty 12 on a random loopback port, serving a JWK set the test can
 * rotate, trim, break (an error status or a dropped connection), slow down, bloat, replace with any body or
 * with a chunked body that never ends, and counting every request it receives on any path. Thread-safe. Shared
 * test fixture (core test-jar).
 *
 * <pre>
 *   try (JwksServer jwks = JwksServer.start(idp.publicJwkSet())) {
 *       TrustedIssuer issuer = TrustedIssuer.jwksUri(idp.issuer(), jwks.uri()).audience(A).build();
 *       ...
 *       jwks.failWithStatus(500);
 *       assertEquals(1, jwks.fetches());
 *   }
 * </pre>
 */
public final class JwksServer implements AutoCloseable {

    /** The path of the JWK set; every other path answers the same way and counts too. */
    public static final String PATH = "/jwks.json";

    private enum Mode { KEYS, STATUS, DROP, RAW, ENDLESS }

    private final Server server;
    private final URI base;
    private final AtomicInteger fetches = new AtomicInteger();
    private final Object lock = new Object();
    private List<JWK> keys;
    private Mode mode = Mode.KEYS;
    private int status;
    private String rawBody;
    private int bloatTo;
    private Duration delay = Duration.ZERO;
    private Duration chunkInterval;
    private volatile boolean closed;
    private final AtomicInteger endlessOpen = new AtomicInteger();
    /** Documents by path (issuer metadata); guarded by lock. */
    private final java.util.Map<String, String> documents = new java.util.HashMap<>();

    private JwksServer(JWKSet initial) throws Exception {
        this.keys = new ArrayList<>(initial.getKeys());
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("jwks-server");
        threads.setDaemon(true);
        this.server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return respond(request, response, callback);
            }
        });
        // No graceful stop: a test closes the server to break it, waiting clients must see it at once.
        server.setStopTimeout(0);
        server.start();
        this.base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** Starts a server on a random loopback port, serving {@code keys} (public parts only). */
    public static JwksServer start(JWKSet keys) {
        Objects.requireNonNull(keys, "keys");
        try {
            return new JwksServer(keys);
        } catch (Exception e) {
            throw new IllegalStateException("JWKS server did not start", e);
        }
    }

    /** The JWK set URI, {@code http://127.0.0.1:<port>/jwks.json}. */
    public URI uri() {
        return base.resolve(PATH);
    }

    /** Another URI on this server (e.g. for a {@code jku} or {@code x5u} header); requests there count too. */
    public URI uri(String path) {
        return base.resolve(path);
    }

    /** Serves these keys from now on, and heals any failure mode (the delay stays). */
    public void serve(JWKSet newKeys) {
        synchronized (lock) {
            this.keys = new ArrayList<>(newKeys.getKeys());
            this.mode = Mode.KEYS;
            this.bloatTo = 0;
        }
    }

    /** Adds a key to the served set (rotation in). */
    public void addKey(JWK key) {
        synchronized (lock) {
            keys.add(key);
        }
    }

    /** Removes the key with this {@code kid} from the served set (rotation out). */
    public void removeKey(String kid) {
        synchronized (lock) {
            keys.removeIf(k -> kid.equals(k.getKeyID()));
        }
    }

    /**
     * Serves {@code json} at {@code path} (issuer metadata, say), unless a failure mode is on. A path under
     * {@code /.well-known/} that has no document answers 404; every other path answers as the JWKS path does.
     */
    public void serveDocument(String path, String json) {
        synchronized (lock) {
            documents.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(json, "json"));
        }
    }

    /** The issuer URL of this server ({@code http://127.0.0.1:<port>} plus {@code path}, for metadata tests). */
    public String base(String path) {
        return base + path;
    }

    /** Answers every request with this HTTP status and a small text body. */
    public void failWithStatus(int httpStatus) {
        synchronized (lock) {
            this.mode = Mode.STATUS;
            this.status = httpStatus;
        }
    }

    /** Closes every connection without answering. */
    public void dropConnections() {
        synchronized (lock) {
            this.mode = Mode.DROP;
        }
    }

    /** Answers 200 with exactly this body (garbage, {@code {}}, HTML...). */
    public void serveRaw(String body) {
        synchronized (lock) {
            this.mode = Mode.RAW;
            this.rawBody = body;
        }
    }

    /** Serves the key set padded with an extra member to {@code bytes} bytes (a valid JWKS, just too big). */
    public void bloat(int bytes) {
        synchronized (lock) {
            this.mode = Mode.KEYS;
            this.bloatTo = bytes;
        }
    }

    /**
     * Answers 200 with a chunked JSON body that never ends ({@code {"keys":[} and then whitespace), one 1 KiB
     * chunk every {@code interval} (zero: as fast as the client reads), until the client gives up or the server
     * is healed or closed. A slow drip keeps every single read well within a read timeout.
     */
    public void endlessChunked(Duration interval) {
        synchronized (lock) {
            this.mode = Mode.ENDLESS;
            this.chunkInterval = Objects.requireNonNull(interval, "interval");
        }
    }

    /** How many endless bodies are being written right now: a client that gave up closed its connection. */
    public int endlessBodiesOpen() {
        return endlessOpen.get();
    }

    /** Waits this long before each answer (zero for none). */
    public void delay(Duration wait) {
        synchronized (lock) {
            this.delay = Objects.requireNonNull(wait, "wait");
        }
    }

    /** Back to serving the current keys promptly: no failure mode, no bloat, no delay. */
    public void heal() {
        synchronized (lock) {
            this.mode = Mode.KEYS;
            this.bloatTo = 0;
            this.delay = Duration.ZERO;
        }
    }

    /** Requests received so far, on any path. */
    public int fetches() {
        return fetches.get();
    }

    /** Sets the request count back to zero. */
    public void resetFetches() {
        fetches.set(0);
    }

    /** Stops the server; waiting answers are cut short. */
    @Override
    public void close() {
        closed = true;
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("JWKS server did not stop", e);
        }
    }

    private boolean respond(Request request, Response response, Callback callback) throws IOException {
        fetches.incrementAndGet();
        Mode m;
        int code;
        String body;
        Duration wait;
        synchronized (lock) {
            m = mode;
            code = status;
            wait = delay;
            body = m == Mode.RAW ? rawBody : m == Mode.KEYS ? keySetJson() : null;
            String path = request.getHttpURI().getPath();
            if (m == Mode.KEYS && documents.containsKey(path)) {
                body = documents.get(path);
            } else if (m == Mode.KEYS && path.startsWith("/.well-known/")) {
                m = Mode.STATUS;
                code = 404;
            }
        }
        sleep(wait);
        switch (m) {
            case DROP:
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new IOException("connection dropped by the test"));
                return true;
            case ENDLESS:
                writeEndless(response);
                callback.succeeded();
                return true;
            case STATUS:
                response.setStatus(code);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, ByteBuffer.wrap("failure staged by the test".getBytes(StandardCharsets.UTF_8)),
                        callback);
                return true;
            default:
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
        }
    }

    /** Writes chunks until the client disconnects, the mode changes or the server closes; blocks this thread. */
    private void writeEndless(Response response) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        byte[] padding = new byte[1024];
        java.util.Arrays.fill(padding, (byte) ' ');
        endlessOpen.incrementAndGet();
        try {
            byte[] first = "{\"keys\":[".getBytes(StandardCharsets.UTF_8);
            for (byte[] chunk = first; !closed; chunk = padding) {
                Duration interval;
                synchronized (lock) {
                    if (mode != Mode.ENDLESS) {
                        return;
                    }
                    interval = chunkInterval;
                }
                try (org.eclipse.jetty.util.Blocker.Callback blocker = org.eclipse.jetty.util.Blocker.callback()) {
                    response.write(false, ByteBuffer.wrap(chunk), blocker);
                    blocker.block();
                }
                sleep(interval);
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up: exactly what the test wants to see
        } finally {
            endlessOpen.decrementAndGet();
        }
    }

    /** Called under the lock. */
    private String keySetJson() {
        String json = new JWKSet(new ArrayList<>(keys)).toString(true);
        if (bloatTo <= json.length()) {
            return json;
        }
        StringBuilder sb = new StringBuilder(bloatTo);
        sb.append(json, 0, json.length() - 1).append(",\"padding\":\"");
        while (sb.length() < bloatTo - 2) {
            sb.append('x');
        }
        return sb.append("\"}").toString();
    }

    private void sleep(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (!closed && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(20, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
