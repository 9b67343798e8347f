package io.scopeenforcer.bench;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signature verification of each JCA implementation the filter could use (docs/architecture.md §13,
 * {@code signature-provider}): the JDK's, BouncyCastle's ({@code bcprov}, pure Java) and AWS-LC's through Amazon
 * Corretto Crypto Provider (native), for the JWS algorithms RS256, PS256, ES256 and EdDSA (Ed25519), on a
 * 900-byte signing input like a token's. Keys are made in setup; each invocation checks one of 64 signatures,
 * each made by the JDK, so every provider verifies the same bytes. Run on each JDK to compare (17 and 25):
 * {@code java -jar benchmarks.jar SignatureProvidersBenchmark}. A provider that lacks an algorithm fails its
 * trial with the JCA's {@code NoSuchAlgorithmException}, which the summary reports as missing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SignatureProvidersBenchmark {

    private static final int SIGNATURES = 64;

    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String alg;

    @Param({"jdk", "bc", "accp"})
    public String provider;

    private Signature verifier;
    private PublicKey publicKey;
    private byte[][] inputs;
    private byte[][] signatures;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        KeyPair pair = keyPair(alg);
        SecureRandom random = new SecureRandom();
        inputs = new byte[SIGNATURES][];
        signatures = new byte[SIGNATURES][];
        Signature signer = signature(alg, null);
        for (int i = 0; i < SIGNATURES; i++) {
            byte[] input = new byte[900];
            random.nextBytes(input);
            // base64url-like bytes: what a JWS signing input is made of
            for (int j = 0; j < input.length; j++) {
                input[j] = (byte) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(input[j] & 63);
            }
            inputs[i] = input;
            signer.initSign(pair.getPrivate());
            signer.update(input);
            signatures[i] = signer.sign();
        }
        publicKey = pair.getPublic();
        verifier = signature(alg, jca(provider));
        if (!verify()) {
            throw new IllegalStateException(provider + " does not verify a valid " + alg + " signature");
        }
    }

    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        int i = next;
        next = i + 1 == SIGNATURES ? 0 : i + 1;
        verifier.initVerify(publicKey);
        verifier.update(inputs[i]);
        return verifier.verify(signatures[i]);
    }

    private static KeyPair keyPair(String alg) throws GeneralSecurityException {
        switch (alg) {
            case "RS256", "PS256" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            case "ES256" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            default -> {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
        }
    }

    /** The JCA {@code Signature} of a JWS algorithm (JDK names, which all three providers know), on a provider. */
    static Signature signature(String alg, Provider provider) throws GeneralSecurityException {
        String name = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "PS256" -> "RSASSA-PSS";
            case "ES256" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        Signature s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
        if (alg.equals("PS256")) {
            // RFC 7518 §3.5: SHA-256, MGF1 with SHA-256, a 32-byte salt.
            s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        }
        return s;
    }

    private static Provider jca(String name) throws ReflectiveOperationException {
        return switch (name) {
            case "jdk" -> null;
            case "bc" -> new org.bouncycastle.jce.provider.BouncyCastleProvider();
            case "accp" -> (Provider) Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider")
                    .getField("INSTANCE").get(null);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** For a quick check without JMH: one verification per algorithm and provider. */
    public static void main(String[] args) throws Exception {
        for (String a : new String[] {"RS256", "PS256", "ES256", "EdDSA"}) {
            for (String p : new String[] {"jdk", "bc", "accp"}) {
                SignatureProvidersBenchmark b = new SignatureProvidersBenchmark();
                b.alg = a;
                b.provider = p;
                try {
                    b.setUp();
                    System.out.println(a + " " + p + ": verifies");
                } catch (GeneralSecurityException e) {
                    System.out.println(a + " " + p + ": " + e);
                }
            }
        }
    }
}
