package io.scopeenforcer.token;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Nimbus's retriever with one more bound: the whole fetch, connect to last byte, ends after {@code deadline}.
 * The read timeout alone is per read: an endpoint that drips a byte at a time (broken, or hostile) keeps every
 * read short and would hold the fetching request thread until the size limit is reached (minutes at a slow
 * drip), while every other request for that issuer waits out the fetch lock. At the deadline a watchdog
 * disconnects the connection, the blocked read fails, and the fetch fails like any other. Thread-safe.
 */
final class DeadlineResourceRetriever extends DefaultResourceRetriever {

    /** One daemon thread for every issuer, JWKS fetches and introspection calls: it only disconnects connections that overran. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final long deadlineMillis;
    /** False for a template's concrete issuers: a redirect must not lead a fetch off the template's host. */
    private final boolean followRedirects;
    private final ThreadLocal<ScheduledFuture<?>> pending = new ThreadLocal<>();

    DeadlineResourceRetriever(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimit, long deadlineMillis,
            boolean followRedirects) {
        super(connectTimeoutMillis, readTimeoutMillis, sizeLimit);
        this.deadlineMillis = deadlineMillis;
        this.followRedirects = followRedirects;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        try {
            return super.retrieveResource(url);
        } finally {
            ScheduledFuture<?> watch = pending.get();
            if (watch != null) {
                watch.cancel(false);
                pending.remove();
            }
        }
    }

    @Override
    protected HttpURLConnection openConnection(URL url) throws IOException {
        HttpURLConnection connection = super.openConnection(url);
        // Unfollowed, a 3xx is a failed fetch (Nimbus refuses any status outside 2xx).
        connection.setInstanceFollowRedirects(followRedirects);
        pending.set(disconnectAfter(connection, deadlineMillis));
        return connection;
    }

    /**
     * Disconnects {@code connection} after {@code millis} unless the returned future is cancelled first: the
     * deadline of one whole HTTP exchange (the introspection call's too).
     */
    static ScheduledFuture<?> disconnectAfter(HttpURLConnection connection, long millis) {
        return WATCHDOG.schedule(connection::disconnect, millis, TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "scope-enforcer-http-deadline");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
