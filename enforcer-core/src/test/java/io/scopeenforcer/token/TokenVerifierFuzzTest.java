package io.scopeenforcer.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of {@link TokenVerifier#verify}: fuzzed strings, fuzzed headers and payloads behind a
 * real signature, and byte-level mutations of valid tokens of every key type. Invariants: nothing throws, and
 * nothing reaches the verifier's last-resort {@code catch (RuntimeException)} (that would be a parser bug
 * hidden as "malformed"); a fuzzed or mutated token is never valid; keys are never "unavailable" (they are in
 * memory); the cached and the uncached verifier agree; descriptions are short printable ASCII.
 */
class TokenVerifierFuzzTest {

    static final TokenVerifier UNCACHED = Fixtures.verifier(0);
    static final TokenVerifier CACHED = Fixtures.verifier(1000);

    /** Valid tokens, one per key type, signed once per run (keys are made at run time). */
    static final List<String> VALID = List.of(
            Fixtures.IDP.token().scope("applications:read").sign(),
            Fixtures.IDP.token().signedWith(Fixtures.IDP.ec()).scope("applications:read").sign(),
            Fixtures.IDP.token().signedWith(Fixtures.IDP.ed25519()).scope("applications:read").sign(),
            Fixtures.IDP.token().issuer(Fixtures.HMAC_ISSUER).hmac(Fixtures.HMAC_SECRET).sign());

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one would lose the handler. */
    private static final Logger VERIFIER_LOG = Logger.getLogger(TokenVerifier.class.getName());

    private final List<LogRecord> unexpected = new ArrayList<>();
    private final Handler watcher = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    && String.valueOf(record.getMessage()).startsWith("unexpected")) {
                unexpected.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void watchLog() {
        VERIFIER_LOG.addHandler(watcher);
    }

    @AfterEach
    void stopWatching() {
        VERIFIER_LOG.removeHandler(watcher);
    }

    /** The oracle itself: what the verifier logs through System.Logger reaches the watcher. */
    @Test
    void watcherWhenVerifierLogsUnexpectedThenCaptured() {
        System.getLogger(TokenVerifier.class.getName()).log(System.Logger.Level.WARNING, "unexpected {0} while verifying",
                "java.lang.IllegalStateException");
        assertEquals(1, unexpected.size());
        unexpected.clear();
    }

    static {
        for (String token : VALID) {
            assertInstanceOf(TokenResult.Valid.class, UNCACHED.verify(token), "fixture token not valid");
        }
    }

    /**
     * The input three ways: as the whole token (ISO-8859-1), as the header JSON and as the payload JSON of a
     * token whose other parts, signature included, come from a valid one.
     */
    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"{\"alg\":\"RS256\"", "\"alg\":\"none\"", "\"alg\":\"HS256\"", "\"typ\":\"at+jwt\"", "\"kid\":",
            "\"crit\":[", "\"b64\":false", "\"cty\":\"JWT\"", "\"enc\":\"A128GCM\"", "\"jwk\":{", "\"jku\":",
            "\"iss\":\"https://idp.example.test\"", "\"aud\":[", "\"exp\":", "\"nbf\":", "\"iat\":", "\"scope\":",
            "\"scp\":[", "\"bi_t\":", "eyJ", ".", "null", "1e400", "-0", "\\u0000", "[[", "{{"})
    void verifyWhenFuzzedTokenOrPartsThenInvalidAndNothingEscapes(byte[] input) {
        String valid = VALID.get(0);
        int d1 = valid.indexOf('.');
        int d2 = valid.indexOf('.', d1 + 1);
        String fuzzedPart = Base64URL.encode(input).toString();

        checkNeverValid(new String(input, StandardCharsets.ISO_8859_1));
        checkNeverValid(fuzzedPart + valid.substring(d1));
        checkNeverValid(valid.substring(0, d1 + 1) + fuzzedPart + valid.substring(d2));
    }

    /**
     * A valid token (the first byte picks RSA, EC, Ed25519 or HMAC) edited by the remaining bytes, three at a
     * time: a 16-bit position, then an operation byte (low two bits: replace, insert, delete, swap with the next
     * char; the rest picks the base64url character or the dot written).
     */
    @FuzzTest(maxDuration = "5m")
    void verifyWhenValidTokenMutatedThenNeverValid(byte[] ops) {
        if (ops.length == 0) {
            return;
        }
        String original = VALID.get((ops[0] & 0xFF) % VALID.size());
        StringBuilder token = new StringBuilder(original);
        for (int i = 1; i + 2 < ops.length && token.length() > 0; i += 3) {
            int position = (((ops[i] & 0xFF) << 8) | (ops[i + 1] & 0xFF)) % token.length();
            int op = ops[i + 2] & 0xFF;
            int pick = op >> 2;
            char c = pick == 63 ? '.' : BASE64URL.charAt(pick);
            switch (op & 3) {
                case 0 -> token.setCharAt(position, c);
                case 1 -> token.insert(position, c);
                case 2 -> token.deleteCharAt(position);
                default -> {
                    if (position + 1 < token.length()) {
                        char a = token.charAt(position);
                        token.setCharAt(position, token.charAt(position + 1));
                        token.setCharAt(position + 1, a);
                    }
                }
            }
        }
        String mutated = token.toString();
        if (mutated.equals(original)) {
            assertInstanceOf(TokenResult.Valid.class, verifyBoth(mutated));
            return;
        }
        checkNeverValid(mutated);
    }

    private void checkNeverValid(String token) {
        if (VALID.contains(token)) {
            return; // the fuzzer rebuilt a fixture token byte for byte: valid, rightly
        }
        TokenResult result = verifyBoth(token);
        TokenResult.Invalid invalid = assertInstanceOf(TokenResult.Invalid.class, result,
                () -> "a fuzzed token verified: " + Base64URL.encode(token.getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(TokenFailure.KEYS_UNAVAILABLE, invalid.failure());
        String description = invalid.description();
        assertTrue(description.length() <= 200, description);
        assertTrue(description.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"' && c != '\\'), description);
    }

    /** Verifies with the uncached and the cached verifier (twice), checks they agree and nothing was swallowed. */
    private TokenResult verifyBoth(String token) {
        TokenResult uncached = UNCACHED.verify(token);
        TokenResult cached = CACHED.verify(token);
        TokenResult again = CACHED.verify(token);
        assertEquals(summary(uncached), summary(cached));
        assertEquals(summary(uncached), summary(again));
        assertTrue(unexpected.isEmpty(), () -> "the verifier hid an exception: " + unexpected.get(0).getParameters()[0]);
        return uncached;
    }

    private static String summary(TokenResult result) {
        return result instanceof TokenResult.Invalid invalid ? invalid.failure() + " " + invalid.description()
                : "valid " + ((TokenResult.Valid) result).token().subject();
    }
}
