package io.scopeenforcer.servlet;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.scopeenforcer.ReplayCache;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The DPoP replay cache shared over Redis (RFC 9449 §11.1), so that a proof replayed to another instance of the API
 * is refused too: {@code SET prefix+key 1 NX PX retention}, one atomic command. The only class of this module that
 * names a Lettuce type; Lettuce is an optional dependency, and this class is loaded only when
 * {@code dpop-replay-cache} names a Redis URL. Its static {@link #open} returns plain JDK and core types.
 */
final class RedisReplayCache implements ReplayCache, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisReplayCache.class.getName());
    /** Namespaces the keys; the rest is the key the in-memory cache uses too (base64url SHA-256), never the proof. */
    static final String KEY_PREFIX = "scope-enforcer:dpop-jti:";

    private final RedisClient client;
    private final String where;
    private final boolean failOpen;
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;

    private RedisReplayCache(RedisClient client, String where, boolean failOpen) {
        this.client = client;
        this.where = where;
        this.failOpen = failOpen;
    }

    /**
     * A cache over the Redis at {@code url} ({@code redis://[:password@]host:port[/db]} or {@code rediss://...}).
     * Connects lazily, so a Redis down at start-up is an outage, not a failed start.
     *
     * @param timeout the connect and command timeout: a slower answer is an outage
     * @param failOpen on an outage, accept the proof (weakens replay protection) instead of answering 503
     * @throws IllegalArgumentException for a malformed URL (the message never repeats the URL: it may hold a password)
     */
    static RedisReplayCache open(String url, Duration timeout, boolean failOpen) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a redis://host:port[/db] URL");
        }
        uri.setTimeout(timeout);
        // Host, port and database only: the URL's password is never logged.
        String where = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/"
                + uri.getDatabase();
        RedisClient client = RedisClient.create(uri);
        // Reject commands while disconnected instead of queueing them: an outage answers at once, not after the
        // timeout, and no queue of proofs grows while Redis is away.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        return new RedisReplayCache(client, where, failOpen);
    }

    @Override
    public boolean markUsed(String key, Duration retention) {
        long millis;
        try {
            millis = Math.max(1, retention.toMillis());
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE;
        }
        String answer;
        try {
            answer = connection().sync().set(KEY_PREFIX + key, "1", SetArgs.Builder.nx().px(millis));
        } catch (RuntimeException e) {
            // RedisConnectionException, RedisCommandTimeoutException, a rejected command: Redis cannot answer.
            if (outage.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, failOpen
                        ? "scope-enforcer: DPoP replay cache {0} unavailable ({1}); fail-open: proofs are accepted"
                                + " WITHOUT replay protection until it is back"
                        : "scope-enforcer: DPoP replay cache {0} unavailable ({1}); fail-closed: DPoP requests are"
                                + " answered 503 until it is back", where, e.getClass().getSimpleName());
            }
            if (failOpen) {
                return true;
            }
            throw new ReplayCache.Unavailable("the DPoP replay cache is unavailable", null);
        }
        if (outage.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "scope-enforcer: DPoP replay cache {0} is reachable again", where);
        }
        // "OK" when set; null when NX found the key: a replay.
        return "OK".equals(answer);
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = client.connect();
                    connection = c;
                }
            }
        }
        return c;
    }

    /** Closes the connection and the client's threads (the filter is destroyed). */
    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
