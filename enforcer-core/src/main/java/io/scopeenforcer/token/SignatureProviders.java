package io.scopeenforcer.token;

import java.security.Provider;
import java.security.Security;
import java.util.Locale;

/**
 * Which JCA provider checks signatures. The provider is only ever handed to this library's own verifiers: it is
 * never installed with {@link Security#addProvider}, so the application's cryptography is untouched.
 *
 * <ul>
 *   <li>{@code auto} (default): Amazon Corretto Crypto Provider (AWS-LC, native) when it is on the class path
 *       and its self-tests pass, else the JDK's. On this project's benchmarks ACCP verifies RSA-2048 about 2×
 *       and ECDSA P-256 about 19× faster than the JDK's pure-Java code (BENCHMARKS.md).
 *   <li>{@code jdk}: the JDK's providers, as {@code Signature.getInstance(alg)} finds them.
 *   <li>{@code accp}: ACCP, and fail when it is missing or unhealthy.
 *   <li>any other value: the installed provider of that name ({@code Security.getProvider}), e.g. {@code BC}.
 * </ul>
 */
final class SignatureProviders {

    static final String AUTO = "auto";
    static final String JDK = "jdk";
    static final String ACCP = "accp";
    private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    private SignatureProviders() {
    }

    /**
     * The provider for a choice, or null for the JDK's.
     *
     * @throws IllegalArgumentException when the choice names a provider that cannot be had
     */
    static Provider resolve(String choice) {
        String c = choice.strip();
        switch (c.toLowerCase(Locale.ROOT)) {
            case AUTO:
                return accp(false);
            case JDK:
                return null;
            case ACCP:
                return accp(true);
            default:
                Provider p = Security.getProvider(c);
                if (p == null) {
                    throw new IllegalArgumentException("no installed JCA provider named " + c
                            + " (auto, jdk, accp, or the name of an installed provider)");
                }
                return p;
        }
    }

    /** ACCP's instance when loadable and healthy; else null, or an exception when {@code required}. */
    private static Provider accp(boolean required) {
        try {
            Class<?> type = Class.forName(ACCP_CLASS, true, SignatureProviders.class.getClassLoader());
            Provider p = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(p);
            if (loadingError != null) {
                throw new IllegalStateException("not loaded: " + loadingError);
            }
            type.getMethod("assertHealthy").invoke(p); // throws when its self-tests failed
            return p;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            if (required) {
                throw new IllegalArgumentException("Amazon Corretto Crypto Provider is not usable here ("
                        + e.getClass().getSimpleName() + "); add software.amazon.cryptools:"
                        + "AmazonCorrettoCryptoProvider with the classifier of this platform", e);
            }
            return null;
        }
    }

    /** The provider's name for messages and logs. */
    static String name(Provider provider) {
        return provider == null ? JDK : provider.getName() + " " + provider.getVersionStr();
    }
}
