package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionsTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                // args | port | host | token TTL s | filter parameters | development issuer
                Arguments.of("", 8080, "localhost", 300, Map.of(), true),
                Arguments.of("--port=0", 0, "localhost", 300, Map.of(), true),
                Arguments.of("--port=65535", 65535, "localhost", 300, Map.of(), true),
                Arguments.of("--port=09090", 9090, "localhost", 300, Map.of(), true),
                Arguments.of("--host=127.0.0.1", 8080, "127.0.0.1", 300, Map.of(), true),
                Arguments.of("--host=0.0.0.0", 8080, "0.0.0.0", 300, Map.of(), true),
                Arguments.of("--token-ttl=1", 8080, "localhost", 1, Map.of(), true),
                Arguments.of("--token-ttl=86400", 8080, "localhost", 86400, Map.of(), true),
                Arguments.of("--mode=permissive", 8080, "localhost", 300, Map.of("mode", "permissive"), true),
                // Filter values are the filter's to judge at start-up; parsing passes them on, trimmed.
                Arguments.of("--mode=bogus", 8080, "localhost", 300, Map.of("mode", "bogus"), true),
                Arguments.of("--realm= spaced ", 8080, "localhost", 300, Map.of("realm", "spaced"), true),
                Arguments.of("--audience=a,b --clock-skew=PT2M", 8080, "localhost", 300,
                        Map.of("audience", "a,b", "clock-skew", "PT2M"), true),
                Arguments.of("--policy=classpath:x=y.txt", 8080, "localhost", 300,
                        Map.of("policy", "classpath:x=y.txt"), true),
                Arguments.of("--issuer=https://idp.example --jwks-uri=https://idp.example/jwks --audience=api",
                        8080, "localhost", 300,
                        Map.of("issuer", "https://idp.example", "jwks-uri", "https://idp.example/jwks",
                                "audience", "api"), false),
                Arguments.of("--issuers=/etc/issuers.properties --host=10.1.2.3", 8080, "10.1.2.3", 300,
                        Map.of("issuers", "/etc/issuers.properties"), false),
                // --issuer and --audience alone: keys discovered from the issuer's metadata.
                Arguments.of("--issuer=https://idp.example --audience=api", 8080, "localhost", 300,
                        Map.of("issuer", "https://idp.example", "audience", "api"), false),
                Arguments.of("--issuer=https://idp.example --jwks-file=/tmp/k.json --audience=api --host=10.1.2.3",
                        8080, "10.1.2.3", 300,
                        Map.of("issuer", "https://idp.example", "jwks-file", "/tmp/k.json", "audience", "api"), false));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("accepted")
    void parseWhenArgumentsValidThenSettings(String args, int port, String host, int ttlSeconds,
                                             Map<String, String> filterParameters, boolean devIssuer) {
        Options options = Options.parse(split(args));

        assertEquals(port, options.port());
        assertEquals(host, options.host());
        assertEquals(Duration.ofSeconds(ttlSeconds), options.tokenTtl());
        assertEquals(filterParameters, options.filterParameters());
        assertEquals(devIssuer, options.devIssuer());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // args | the one-line message
                Arguments.of("8080", "expected --name=value, got '8080' (see --help)"),
                Arguments.of("--port", "expected --name=value, got '--port' (see --help)"),
                Arguments.of("-port=1", "expected --name=value, got '-port=1' (see --help)"),
                Arguments.of("--bogus=1", "unknown flag '--bogus' (see --help)"),
                Arguments.of("--Port=1", "unknown flag '--Port' (see --help)"),
                Arguments.of("--client-secret-of-someone-else-that-is-long=x",
                        "unknown flag '--client-secret-of-someo...' (see --help)"),
                Arguments.of("--port=1 --port=2", "--port is given twice"),
                Arguments.of("--mode=permissive --mode=enforcing", "--mode is given twice"),
                Arguments.of("--port=", "--port needs a value"),
                Arguments.of("--realm=", "--realm needs a value"),
                Arguments.of("--port=65536", "--port must be a whole number from 0 to 65535"),
                Arguments.of("--port=-1", "--port must be a whole number from 0 to 65535"),
                Arguments.of("--port=80a", "--port must be a whole number from 0 to 65535"),
                Arguments.of("--port=+80", "--port must be a whole number from 0 to 65535"),
                Arguments.of("--port=99999999999", "--port must be a whole number from 0 to 65535"),
                Arguments.of("--token-ttl=0", "--token-ttl must be a whole number of seconds from 1 to 86400"),
                Arguments.of("--token-ttl=86401", "--token-ttl must be a whole number of seconds from 1 to 86400"),
                Arguments.of("--token-ttl=5m", "--token-ttl must be a whole number of seconds from 1 to 86400"),
                Arguments.of("--jwks-uri=https://idp/jwks",
                        "--jwks-uri needs --issuer (the development issuer serves its own keys)"),
                Arguments.of("--jwks-file=/tmp/k.json",
                        "--jwks-file needs --issuer (the development issuer serves its own keys)"),
                Arguments.of("--issuer=https://idp --jwks-uri=https://idp/k --jwks-file=/k --audience=api",
                        "--issuer takes at most one of --jwks-uri and --jwks-file"),
                Arguments.of("--issuer=https://idp",
                        "--issuer needs --audience (the audiences its tokens must carry)"),
                Arguments.of("--issuer=https://idp --jwks-uri=https://idp/k",
                        "--issuer needs --audience (the audiences its tokens must carry)"),
                Arguments.of("--issuer=https://idp --jwks-uri=https://idp/k --audience=api --token-ttl=60",
                        "--token-ttl is for the development issuer, which --issuer turns off"),
                Arguments.of("--issuers=/i.properties --issuer=https://idp",
                        "--issuers replaces --issuer (each issuer's settings are in the issuers file)"),
                Arguments.of("--issuers=/i.properties --audience=api",
                        "--issuers replaces --audience (each issuer's settings are in the issuers file)"),
                Arguments.of("--issuers=/i.properties --token-ttl=60",
                        "--token-ttl is for the development issuer, which --issuers turns off"),
                Arguments.of("--host=10.1.2.3",
                        "--host must be a loopback or wildcard address while the development issuer is on"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("refused")
    void parseWhenArgumentsBadThenOneLineUsageError(String args, String message) {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> Options.parse(split(args)));

        assertEquals(message, e.getMessage());
    }

    private static List<String> split(String args) {
        return args.isEmpty() ? List.of() : Arrays.asList(args.split(" (?=--)"));
    }
}
