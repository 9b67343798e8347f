package io.scopeenforcer.example;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code java -jar example-app.jar dpop-proof --key=FILE --method=M --url=URL [--token=T]}: prints a DPoP proof
 * (RFC 9449 §4.2) for one request, so that the README's curl demo needs nothing but Java. The proof is an ES256 JWS of
 * {@code typ: dpop+jwt} with the public key in {@code jwk} and the claims {@code jti} (random), {@code htm},
 * {@code htu}, {@code iat} (now) and, with {@code --token}, {@code ath}. The key is a P-256 private JWK in FILE,
 * made there (owner-only) the first time; keep it, since tokens are bound to it. A demo tool, not a client library.
 */
final class DpopProofCommand {

    static final String NAME = "dpop-proof";
    static final String USAGE = """
            usage: java -jar example-app.jar dpop-proof --key=FILE --method=METHOD --url=URL [--token=TOKEN]
              --key=FILE      the proof key, a P-256 private JWK; made (owner-only) when FILE does not exist
              --method=M      the request's method (htm), e.g. POST
              --url=URL       the request's URL without query or fragment (htu)
              --token=TOKEN   the access token the request carries (ath); leave out at the token endpoint""";

    private DpopProofCommand() {
    }

    /**
     * Parses the command's flags and prints one proof.
     *
     * @return the exit status: 0, or {@link ExampleApp#EXIT_USAGE} after a one-line message
     */
    static int run(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = equals < 0 || !arg.startsWith("--") ? null : arg.substring(2, equals);
            if (name == null || !List.of("key", "method", "url", "token").contains(name)) {
                return usage("unexpected " + Options.fragment(arg));
            }
            if (values.put(name, arg.substring(equals + 1)) != null) {
                return usage("--" + name + " is given twice");
            }
        }
        for (String required : List.of("key", "method", "url")) {
            if (values.getOrDefault(required, "").isEmpty()) {
                return usage("--" + required + " is required");
            }
        }
        try {
            System.out.println(proof(Path.of(values.get("key")), values.get("method"), values.get("url"),
                    values.get("token"), Instant.now()));
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return usage(e.getMessage());
        }
    }

    /**
     * A proof for {@code method} and {@code url} made at {@code now}, signed with the key in {@code keyFile} (made
     * when missing).
     *
     * @param token the access token for {@code ath}, or null
     * @throws IllegalArgumentException when the file holds no P-256 private JWK, or the URL is not absolute http(s)
     *     without query and fragment
     */
    static String proof(Path keyFile, String method, String url, String token, Instant now) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--url must be an http(s) URL without query or fragment (RFC 9449"
                    + " section 4.2)");
        }
        ECKey key = key(keyFile);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .claim("htm", method)
                .claim("htu", url)
                .issueTime(Date.from(now));
        if (token != null) {
            claims.claim("ath", sha256(token));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK())
                .build(), claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the proof", e);
        }
        return jwt.serialize();
    }

    /** The P-256 private JWK of {@code file}, made and written owner-only when the file does not exist. */
    private static ECKey key(Path file) {
        if (Files.exists(file)) {
            try {
                ECKey key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
                if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve())) {
                    throw new IllegalArgumentException(file + " holds no P-256 private key");
                }
                return key;
            } catch (ParseException e) {
                throw new IllegalArgumentException(file + " is not a P-256 private JWK");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            DemoCertificates.writeOwnerOnly(file, key.toJSONString() + "\n");
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a P-256 key", e);
        }
    }

    /** RFC 9449 §4.2 {@code ath}: base64url SHA-256 of the token's ASCII. */
    private static String sha256(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int usage(String message) {
        System.err.println("example-app dpop-proof: " + message);
        System.err.println(USAGE);
        return ExampleApp.EXIT_USAGE;
    }
}
