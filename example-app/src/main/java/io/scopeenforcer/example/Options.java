package io.scopeenforcer.example;

import io.scopeenforcer.servlet.FilterParameter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The command line, {@code --name=value} only: the app's own flags ({@code port}, {@code host},
 * {@code token-ttl}) and every filter parameter, which overrides {@code web.xml}. Parsing checks the shape
 * and the app's own values; the filter checks its parameters' values when it starts. Immutable.
 */
final class Options {

    /**
     * The parameters {@code ScopeEnforcementFilter} reads, from its own table; each may be given as a flag (a
     * deprecated alias too, which the filter then warns about).
     */
    static final List<String> FILTER_PARAMETERS = FilterParameter.names();

    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_HOST = "localhost";
    static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(300);
    private static final int MAX_TOKEN_TTL_SECONDS = 86_400;

    static final String USAGE = """
            usage: java -jar example-app.jar [--name=value ...]
                   java -jar example-app.jar dpop-proof --key=FILE --method=M --url=URL [--token=T]
                                   (prints a DPoP proof for one request, see README)
              --port=N             port to listen on (default 8080; 0 picks a free one)
              --host=ADDRESS       address to listen on (default localhost; 0.0.0.0 for every interface)
              --token-ttl=SECONDS  lifetime of development-issuer access tokens (default 300)
              --tls                serve HTTPS with a self-signed certificate made at start-up, ask
                                   for client certificates, and write the demo client certificate
                                   of mtls-client to a temporary directory (printed at start-up)
              --issuer=URL [--jwks-uri=URL|--jwks-file=PATH] --audience=A,B
                                   trust this issuer instead; the development issuer is off;
                                   without --jwks-uri or --jwks-file its keys are found from
                                   its metadata (/.well-known/openid-configuration)
              --issuers=PATH       trust the issuers of this file (issuer.<name>.<setting>=value
                                   lines, see README); the development issuer is off
              --<filter parameter>=VALUE
                                   overrides web.xml: %s""".formatted(String.join(", ", FILTER_PARAMETERS));

    private final int port;
    private final String host;
    private final Duration tokenTtl;
    private final boolean tls;
    private final Map<String, String> filterParameters;

    private Options(int port, String host, Duration tokenTtl, boolean tls, Map<String, String> filterParameters) {
        this.port = port;
        this.host = host;
        this.tokenTtl = tokenTtl;
        this.tls = tls;
        this.filterParameters = Collections.unmodifiableMap(new LinkedHashMap<>(filterParameters));
    }

    /** A mistake on the command line: the message is one line, fit to print after the program's name. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses the arguments.
     *
     * @throws UsageException for anything but {@code --name=value} and {@code --tls}, an unknown or repeated name, an
     *     empty value, a bad port, host or TTL, or an external-issuer setting that is incomplete
     */
    static Options parse(List<String> args) {
        Objects.requireNonNull(args, "args");
        Map<String, String> values = new LinkedHashMap<>();
        boolean tls = false;
        for (String arg : args) {
            if (arg.equals("--tls")) {
                if (tls) {
                    throw new UsageException("--tls is given twice");
                }
                tls = true;
                continue;
            }
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new UsageException("expected --name=value, got " + fragment(arg) + " (see --help)");
            }
            String name = arg.substring(2, equals);
            String value = arg.substring(equals + 1);
            if (name.equals("tls")) {
                throw new UsageException("--tls takes no value");
            }
            if (!isKnown(name)) {
                throw new UsageException("unknown flag " + fragment("--" + name) + " (see --help)");
            }
            if (values.containsKey(name)) {
                throw new UsageException("--" + name + " is given twice");
            }
            if (value.isBlank()) {
                throw new UsageException("--" + name + " needs a value");
            }
            values.put(name, value.strip());
        }

        int port = values.containsKey("port") ? port(values.remove("port")) : DEFAULT_PORT;
        String host = values.containsKey("host") ? values.remove("host") : DEFAULT_HOST;
        String ttlText = values.remove("token-ttl");
        Duration ttl = ttlText == null ? DEFAULT_TOKEN_TTL : tokenTtl(ttlText);

        if (values.containsKey("issuers")) {
            for (String single : List.of("issuer", "jwks-uri", "jwks-file", "audience")) {
                if (values.containsKey(single)) {
                    throw new UsageException("--issuers replaces --" + single + " (each issuer's settings are in"
                            + " the issuers file)");
                }
            }
            if (ttlText != null) {
                throw new UsageException("--token-ttl is for the development issuer, which --issuers turns off");
            }
            return new Options(port, host, ttl, tls, values);
        }
        boolean external = values.containsKey("issuer");
        boolean jwksUri = values.containsKey("jwks-uri");
        boolean jwksFile = values.containsKey("jwks-file");
        if (!external) {
            if (jwksUri || jwksFile) {
                throw new UsageException("--" + (jwksUri ? "jwks-uri" : "jwks-file")
                        + " needs --issuer (the development issuer serves its own keys)");
            }
            // The issuer's URL is http://localhost:<port>, and the filter fetches its keys there.
            if (!loopbackOrWildcard(host)) {
                throw new UsageException("--host must be a loopback or wildcard address while the development"
                        + " issuer is on");
            }
        } else {
            // Neither: the filter discovers the JWKS URI from the issuer's metadata (OpenID Connect, RFC 8414).
            if (jwksUri && jwksFile) {
                throw new UsageException("--issuer takes at most one of --jwks-uri and --jwks-file");
            }
            if (!values.containsKey("audience")) {
                throw new UsageException("--issuer needs --audience (the audiences its tokens must carry)");
            }
            if (ttlText != null) {
                throw new UsageException("--token-ttl is for the development issuer, which --issuer turns off");
            }
        }
        return new Options(port, host, ttl, tls, values);
    }

    /** Port to listen on; 0 means any free port. */
    int port() {
        return port;
    }

    /** Address to listen on. */
    String host() {
        return host;
    }

    /** Lifetime of the development issuer's access tokens. */
    Duration tokenTtl() {
        return tokenTtl;
    }

    /** Whether to serve HTTPS with demo certificates ({@code --tls}). */
    boolean tls() {
        return tls;
    }

    /** True unless {@code --issuer} or {@code --issuers} was given. */
    boolean devIssuer() {
        return !filterParameters.containsKey("issuer") && !filterParameters.containsKey("issuers");
    }

    /** The filter parameters given on the command line, in order; they override {@code web.xml}. */
    Map<String, String> filterParameters() {
        return filterParameters;
    }

    private static boolean isKnown(String name) {
        return name.equals("port") || name.equals("host") || name.equals("token-ttl")
                || FilterParameter.named(name).isPresent();
    }

    private static int port(String text) {
        int port = integer(text);
        if (port < 0 || port > 65_535) {
            throw new UsageException("--port must be a whole number from 0 to 65535");
        }
        return port;
    }

    private static Duration tokenTtl(String text) {
        int seconds = integer(text);
        if (seconds < 1 || seconds > MAX_TOKEN_TTL_SECONDS) {
            throw new UsageException("--token-ttl must be a whole number of seconds from 1 to "
                    + MAX_TOKEN_TTL_SECONDS);
        }
        return Duration.ofSeconds(seconds);
    }

    /** -1 when not plain ASCII digits (no sign, no spaces): every caller then reports its own range. */
    private static int integer(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    private static boolean loopbackOrWildcard(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            throw new UsageException("--host is not a known address");
        }
    }

    /** A short printable fragment of command-line text for a message: a pasted secret is not echoed whole. */
    static String fragment(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(24).forEach(c -> out.append(c >= 0x20 && c < 0x7F && c != '\'' ? (char) c : '?'));
        return out.append(text.length() > 24 ? "...'" : "'").toString();
    }
}
