package io.scopeenforcer.bench;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a fresh key's public JWK set and distinct access tokens for the HTTP load run (used by
 * {@code benchmarks/load.sh}): {@code DIR/jwks.json} and {@code DIR/tokens.txt}, one token a line; RS256 on RSA
 * 2048 or ES256 on P-256 ({@link TokenPool}). The key is made now and its private half is never written.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.MintTokens DIR [COUNT [RS256|ES256]]</pre>
 */
public final class MintTokens {

    private MintTokens() {
    }

    /** Mints the tokens. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3 || (args.length == 3 && !List.of("RS256", "ES256").contains(args[2]))) {
            System.err.println("usage: MintTokens DIR [COUNT [RS256|ES256]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = args.length >= 2 ? Integer.parseInt(args[1]) : 1_000;
        String algorithm = args.length == 3 ? args[2] : "RS256";
        TokenPool pool = TokenPool.mint(algorithm, count);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(pool.publicJwk()).toString(true), StandardCharsets.UTF_8);
        Files.write(dir.resolve("tokens.txt"), pool.tokens(), StandardCharsets.US_ASCII);
        System.out.printf("minted %d %s tokens (issuer %s, audience %s) into %s%n", count, algorithm, TokenPool.ISSUER,
                TokenPool.AUDIENCE, dir);
    }
}
