package io.scopeenforcer.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed X.509 certificates made at run time (BouncyCastle, test scope), for the RFC 8705 tables: a client
 * certificate and its key, never a file in the repository. Shared test fixture (core test-jar).
 */
public final class TestCertificates {

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
    }

    private TestCertificates() {
    }

    /** A self-signed P-256 certificate for {@code CN=commonName}, valid from a day ago for a day. */
    public static Issued selfSigned(String commonName) {
        return selfSigned(commonName, null);
    }

    /**
     * A self-signed P-256 server certificate for {@code CN=commonName} with {@code ipAddress} (e.g. {@code 127.0.0.1})
     * as its subject alternative name, so that a client's host name check passes; null for none.
     */
    public static Issued selfSigned(String commonName, String ipAddress) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), name, keys.getPublic());
            if (ipAddress != null) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, ipAddress)));
            }
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new Issued(certificate, keys);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 key store in memory holding this certificate and its private key under {@code alias}. */
    public static java.security.KeyStore keyStore(Issued issued, String alias, char[] password) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, issued.keys().getPrivate(), password,
                    new java.security.cert.Certificate[] {issued.certificate()});
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key store in memory trusting these certificates. */
    public static java.security.KeyStore trustStore(X509Certificate... trusted) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("trusted-" + i, trusted[i]);
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 8705 §3.1 {@code x5t#S256}: base64url of SHA-256 over the certificate's DER. */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return com.nimbusds.jose.util.Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded())).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
