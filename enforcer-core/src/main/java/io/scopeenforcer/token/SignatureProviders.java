package io.scopeenforcer.token;

import java.security.Provider;
import java.security.Security;
import java.util.Locale;

/**
 * Which JCA providers check signatures: one for RSA (RS*, PS*), one for elliptic curves (ES*, EdDSA). The providers
 * are only ever handed to this library's own verifiers: never installed with {@link Security#addProvider}, so the
 * application's cryptography is untouched.
 *
 * <ul>
 *   <li>{@code auto} (default): the fastest correct implementation on the class path, per family, as measured on
 *       JDK 17 and 25 (BENCHMARKS.md, {@code SignatureProvidersBenchmark}): Amazon Corretto Crypto Provider
 *       (AWS-LC, native) for both when it is on the class path and its self-tests pass; else BouncyCastle
 *       ({@code bcprov}) for the curves when it is on the class path (4-5× the JDK 17's ECDSA P-256, 2× JDK 25's,
 *       7× the JDKs' Ed25519) and the JDK for RSA (faster than BouncyCastle's); else the JDK for both.
 *   <li>{@code jdk}: the JDK's providers, as {@code Signature.getInstance(alg)} finds them.
 *   <li>{@code accp}: ACCP for both, and fail when it is missing or unhealthy.
 *   <li>{@code bc}: BouncyCastle for both (a private instance), and fail when it is missing.
 *   <li>any other value: the installed provider of that name ({@code Security.getProvider}) for both.
 * </ul>
 */
final class SignatureProviders {

    static final String AUTO = "auto";
    static final String JDK = "jdk";
    static final String ACCP = "accp";
    static final String BC = "bc";
    private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final String BC_CLASS = "org.bouncycastle.jce.provider.BouncyCastleProvider";

    /**
     * The providers of a choice; null stands for the JDK's.
     *
     * @param rsa checks RS256 to PS512
     * @param curves checks ES256 to ES512 and EdDSA
     */
    record Choice(Provider rsa, Provider curves) {
        /** The JDK's for both. */
        static final Choice JDK_ONLY = new Choice(null, null);

        /** The same provider for both families. */
        static Choice of(Provider provider) {
            return new Choice(provider, provider);
        }

        /** For messages and logs: {@code jdk}, a provider's name and version, or both families'. */
        @Override
        public String toString() {
            return rsa == curves ? name(rsa) : name(rsa) + " (RSA), " + name(curves) + " (EC, EdDSA)";
        }
    }

    private SignatureProviders() {
    }

    /**
     * The providers for a choice.
     *
     * @throws IllegalArgumentException when the choice names a provider that cannot be had
     */
    static Choice resolve(String choice) {
        String c = choice.strip();
        switch (c.toLowerCase(Locale.ROOT)) {
            case AUTO: {
                Provider accp = accp(false);
                if (accp != null) {
                    return Choice.of(accp);
                }
                Provider bc = bouncyCastle(false);
                return bc == null ? Choice.JDK_ONLY : new Choice(null, bc);
            }
            case JDK:
                return Choice.JDK_ONLY;
            case ACCP:
                return Choice.of(accp(true));
            case BC:
                return Choice.of(bouncyCastle(true));
            default:
                Provider p = Security.getProvider(c);
                if (p == null) {
                    throw new IllegalArgumentException("no installed JCA provider named " + c
                            + " (auto, jdk, accp, bc, or the name of an installed provider)");
                }
                return Choice.of(p);
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

    /** One private BouncyCastle instance, made once; null (or an exception when {@code required}) without bcprov. */
    private static Provider bouncyCastle(boolean required) {
        Provider p = BouncyCastleHolder.INSTANCE;
        if (p == null && required) {
            throw new IllegalArgumentException("BouncyCastle is not on the class path; add"
                    + " org.bouncycastle:bcprov-jdk18on");
        }
        return p;
    }

    /** Lazily, so that a class path without BouncyCastle never tries to load it unless asked. */
    private static final class BouncyCastleHolder {
        static final Provider INSTANCE = load();

        private static Provider load() {
            try {
                return (Provider) Class.forName(BC_CLASS, true, SignatureProviders.class.getClassLoader())
                        .getConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return null;
            }
        }
    }

    /** A provider's name for messages and logs. */
    static String name(Provider provider) {
        return provider == null ? JDK : provider.getName() + " " + provider.getVersionStr();
    }
}
