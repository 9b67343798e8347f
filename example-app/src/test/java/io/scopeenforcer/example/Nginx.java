package io.scopeenforcer.example;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx for the tests, run in the foreground ({@code daemon off}) as a child of the JVM, with a generated
 * configuration whose pid file, logs and temp directories all live in one directory, and one {@code server}
 * block per body given, each on its own free loopback port. {@link #close()} stops it.
 */
final class Nginx implements AutoCloseable {

    /** Upstream responses carry this header (nginx adds it only when it contacted the upstream). */
    static final String UPSTREAM_HEADER = "X-Upstream";

    private static final String INSTALL_HINT = "install it (Debian: apt-get install -y nginx-light); .ci/run does";

    private final Process process;
    private final Map<String, Integer> ports;
    private final Path dir;

    private Nginx(Process process, Map<String, Integer> ports, Path dir) {
        this.process = process;
        this.ports = ports;
        this.dir = dir;
    }

    /**
     * Starts nginx with one loopback server per entry of {@code servers}: name to the body of its
     * {@code server { ... }} block, after the {@code listen} directive nginx gets from here.
     *
     * @throws AssertionError when nginx is not installed or does not start: a test that needs it fails, loudly
     */
    static Nginx start(Path dir, Map<String, String> servers) {
        String binary = binary();
        AssertionError last = null;
        // A free port found now may be taken before nginx binds it: try again with new ones.
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, Integer> ports = freePorts(servers.keySet());
            Path conf = dir.resolve("nginx.conf");
            Path log = dir.resolve("nginx.out");
            try {
                Files.writeString(conf, config(dir, servers, ports), StandardCharsets.UTF_8);
                Process process = new ProcessBuilder(binary, "-p", dir + "/", "-e", dir.resolve("error.log").toString(),
                        "-c", conf.toString(), "-g", "daemon off;")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                Nginx nginx = new Nginx(process, Map.copyOf(ports), dir);
                if (nginx.awaitListening()) {
                    return nginx;
                }
                nginx.close();
                last = new AssertionError("nginx did not start: " + nginx.output());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw last;
    }

    /** The port of the server named {@code name} in {@link #start}. */
    int port(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no nginx server named " + name);
        }
        return port;
    }

    /** nginx's version line, for failure messages. */
    static String version() {
        try {
            Process p = new ProcessBuilder(binary(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "nginx version unknown: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "nginx version unknown";
        }
    }

    /** Stops nginx (SIGTERM is its fast shutdown) and waits for it. */
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

    /**
     * The generated configuration. Everything nginx writes stays in {@code dir}. {@code master_process off}:
     * one process, so that stopping the child stops every nginx process of the test. {@code add_header ...
     * $upstream_addr always} marks the answers that came from the app: nginx's own answers (a 400 for a
     * request line it refuses) have no upstream address, and add_header skips an empty value.
     */
    private static String config(Path dir, Map<String, String> servers, Map<String, Integer> ports) {
        StringBuilder blocks = new StringBuilder();
        servers.forEach((name, body) -> blocks.append("  # ").append(name).append("\n")
                .append("  server {\n")
                .append("    listen 127.0.0.1:").append(ports.get(name)).append(";\n")
                .append("    add_header ").append(UPSTREAM_HEADER).append(" $upstream_addr always;\n")
                .append(body.strip().indent(4))
                .append("  }\n"));
        String d = dir.toString();
        return """
                worker_processes 1;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/client_body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                %2$s}
                """.formatted(d, blocks);
    }

    private boolean awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Integer> waiting = new ArrayList<>(ports.values());
        while (System.nanoTime() < deadline && process.isAlive()) {
            waiting.removeIf(Nginx::accepts);
            if (waiting.isEmpty()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private String output() {
        StringBuilder out = new StringBuilder();
        for (String file : List.of("nginx.out", "error.log")) {
            try {
                out.append('\n').append(file).append(": ")
                        .append(Files.readString(dir.resolve(file), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                out.append('\n').append(file).append(": (none)");
            }
        }
        return out.toString();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Integer> freePorts(Iterable<String> names) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            // Held open together so that two servers never get the same port.
            for (String name : names) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.put(name, s.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Only a port number was wanted.
                }
            }
        }
        return ports;
    }

    /** nginx on the PATH, else where Debian's package puts it (/usr/sbin is not on every user's PATH). */
    private static String binary() {
        List<String> tried = new ArrayList<>();
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            File candidate = new File(d, "nginx");
            tried.add(candidate.getPath());
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new AssertionError("BehindNginxTest needs nginx, which is not on the PATH (nor in /usr/sbin): "
                + INSTALL_HINT + ". Looked for " + String.join(", ", tried));
    }
}
