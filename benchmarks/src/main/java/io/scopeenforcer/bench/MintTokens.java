package io.scopeenforcer.bench;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a fresh key's public JWK set and distinct RS256 access tokens for the HTTP load run (used by
 * {@code benchmarks/load.sh}): {@code DIR/jwks.json} and {@code DIR/tokens.txt}, one token a line. The key is
 * made now and its private half is never written.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.MintTokens DIR [COUNT]</pre>
 */
public final class MintTokens {

    private MintTokens() {
    }

    /** Mints the tokens. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: MintTokens DIR [COUNT]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = args.length == 2 ? Integer.parseInt(args[1]) : 1_000;
        TokenPool pool = TokenPool.mint("RS256", count);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(pool.publicJwk()).toString(true), StandardCharsets.UTF_8);
        Files.write(dir.resolve("tokens.txt"), pool.tokens(), StandardCharsets.US_ASCII);
        System.out.printf("minted %d RS256 tokens (issuer %s, audience %s) into %s%n", count, TokenPool.ISSUER,
                TokenPool.AUDIENCE, dir);
    }
}
