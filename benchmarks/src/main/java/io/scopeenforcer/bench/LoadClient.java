package io.scopeenforcer.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A small closed-loop HTTP/1.1 load client for loopback runs (docs/architecture.md §13): {@code threads} keep-alive
 * connections, each sending its next request as soon as the previous response is read, until a fixed number
 * of requests is done. Requests cycle over the tokens (one per line in a file) and two routes of the example
 * app. A warm-up phase runs first and is not measured. Prints throughput, latency percentiles and the number of
 * responses that were not 2xx (with their statuses), and fails (exit 1) if there was any, warm-up included: a
 * denial (401, 403) is cheaper than an allowed request and must not pass for throughput. Raw sockets, no client library, so the client spends little of the
 * CPU that it shares with the server.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.LoadClient --port=N --tokens=FILE
 *     [--requests=200000] [--warmup=50000] [--threads=4] [--label=NAME]</pre>
 */
public final class LoadClient {

    static final List<String> PATHS = List.of("/paas/analytics/reports", "/v1/tenants/acme/realms/prod/applications");

    private LoadClient() {
    }

    /** Runs the load and prints one result line. */
    public static void main(String[] args) throws Exception {
        int port = 0;
        Path tokenFile = null;
        int requests = 200_000;
        int warmup = 50_000;
        int threads = 4;
        String label = "run";
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "--port" -> port = Integer.parseInt(kv[1]);
                case "--tokens" -> tokenFile = Path.of(kv[1]);
                case "--requests" -> requests = Integer.parseInt(kv[1]);
                case "--warmup" -> warmup = Integer.parseInt(kv[1]);
                case "--threads" -> threads = Integer.parseInt(kv[1]);
                case "--label" -> label = kv[1];
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (port == 0 || tokenFile == null) {
            throw new IllegalArgumentException("--port and --tokens are required");
        }
        List<String> tokens = Files.readAllLines(tokenFile, StandardCharsets.US_ASCII);
        byte[][] wire = new byte[tokens.size() * PATHS.size()][];
        for (int i = 0; i < wire.length; i++) {
            String request = "GET " + PATHS.get(i % PATHS.size()) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + tokens.get(i / PATHS.size()) + "\r\nAccept: application/json\r\n\r\n";
            wire[i] = request.getBytes(StandardCharsets.US_ASCII);
        }
        AtomicLongArray statuses = new AtomicLongArray(600);
        run(port, wire, warmup, threads, null, statuses);
        long[] latencies = new long[requests];
        long start = System.nanoTime();
        run(port, wire, requests, threads, latencies, statuses);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        long failed = 0;
        StringBuilder failures = new StringBuilder();
        for (int status = 0; status < statuses.length(); status++) {
            long n = statuses.get(status);
            if (n > 0 && (status < 200 || status > 299)) {
                failed += n;
                failures.append(failures.length() == 0 ? " statuses=" : ",").append(status).append('x').append(n);
            }
        }
        System.out.printf(Locale.ROOT, "%-10s requests=%d threads=%d tokens=%d throughput=%.0f req/s p50=%.0f us"
                + " p99=%.0f us p99.9=%.0f us non2xx=%d%s%n", label, requests, threads, tokens.size(),
                requests / seconds, latencies[requests / 2] / 1e3, latencies[(int) (requests * 0.99)] / 1e3,
                latencies[(int) (requests * 0.999)] / 1e3, failed, failures);
        if (failed > 0) {
            System.exit(1);
        }
    }

    /**
     * Sends {@code total} requests over {@code threads} connections, counting the responses by status (a status
     * outside 100-599 counts as 0).
     */
    private static void run(int port, byte[][] wire, int total, int threads, long[] latencies,
                            AtomicLongArray statuses) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Thread[] workers = new Thread[threads];
        Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try (Socket socket = new Socket()) {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    socket.setSoTimeout(30_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        long begin = System.nanoTime();
                        out.write(wire[i % wire.length]);
                        out.flush();
                        int status = readResponse(in);
                        if (latencies != null) {
                            latencies[i] = System.nanoTime() - begin;
                        }
                        statuses.incrementAndGet(status >= 100 && status < statuses.length() ? status : 0);
                    }
                } catch (IOException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "load-" + t);
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Reads one response (Content-Length or chunked body) and returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(readLine(in).split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) {
                skip(in, size);
                readLine(in);
            }
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                // trailers
            }
        } else if (length > 0) {
            skip(in, length);
        }
        return status;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in a body");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
