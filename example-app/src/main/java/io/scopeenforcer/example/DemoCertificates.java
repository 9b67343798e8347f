package io.scopeenforcer.example;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Self-signed P-256 certificates for {@code --tls}, made with the JDK alone: the JDK signs but has no public API to
 * build a certificate, and the few DER structures of an RFC 5280 certificate (name, validity, subject alternative
 * names, extended key usage) are written here rather than adding BouncyCastle's 10 MB to the app's jar. The JDK's
 * own {@link CertificateFactory} reads each result back, so a malformed one fails start-up, not a client. Stateless.
 */
final class DemoCertificates {

    /** A certificate and its key pair. */
    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    private static final byte[] ECDSA_WITH_SHA256 = oid("2a8648ce3d040302"); // 1.2.840.10045.4.3.2
    private static final byte[] COMMON_NAME = oid("550403"); // 2.5.4.3
    private static final byte[] SUBJECT_ALT_NAME = oid("551d11"); // 2.5.29.17
    private static final byte[] EXTENDED_KEY_USAGE = oid("551d25"); // 2.5.29.37
    private static final byte[] SERVER_AUTH = oid("2b06010505070301"); // 1.3.6.1.5.5.7.3.1
    private static final byte[] CLIENT_AUTH = oid("2b06010505070302"); // 1.3.6.1.5.5.7.3.2
    /** RFC 5280 §4.1.2.5.1: UTCTime, seconds, Z. */
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private DemoCertificates() {
    }

    /**
     * A server certificate for {@code CN=localhost} naming {@code localhost}, {@code 127.0.0.1} and {@code ::1}, so
     * that a client's host name check passes on the loopback addresses the app listens on.
     */
    static Issued server(Instant now) {
        byte[] san = sequence(
                tagged(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)), // dNSName
                tagged(0x87, new byte[] {127, 0, 0, 1}), // iPAddress
                tagged(0x87, HexFormat.of().parseHex("00000000000000000000000000000001")));
        return selfSigned("localhost", now, List.of(extension(SUBJECT_ALT_NAME, san),
                extension(EXTENDED_KEY_USAGE, sequence(tagged(0x06, SERVER_AUTH)))));
    }

    /** A client certificate for {@code CN=commonName} (extended key usage {@code clientAuth}). */
    static Issued client(String commonName, Instant now) {
        return selfSigned(commonName, now, List.of(extension(EXTENDED_KEY_USAGE, sequence(tagged(0x06, CLIENT_AUTH)))));
    }

    /** Valid from an hour before {@code now} (a client's clock may be behind) for seven days. */
    private static Issued selfSigned(String commonName, Instant now, List<byte[]> extensions) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] name = sequence(set(sequence(tagged(0x06, COMMON_NAME),
                    tagged(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            serial[0] &= 0x7f; // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets
            byte[] algorithm = sequence(tagged(0x06, ECDSA_WITH_SHA256));
            byte[] tbs = sequence(
                    tagged(0xa0, tagged(0x02, new byte[] {2})), // version v3
                    tagged(0x02, new BigInteger(1, serial).toByteArray()),
                    algorithm,
                    name,
                    sequence(utcTime(now.minusSeconds(3600)), utcTime(now.plusSeconds(7 * 86_400))),
                    name,
                    keys.getPublic().getEncoded(), // SubjectPublicKeyInfo
                    tagged(0xa3, sequence(extensions.toArray(byte[][]::new))));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] der = sequence(tbs, algorithm, bitString(signer.sign()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keys.getPublic());
            return new Issued(certificate, keys);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a demo certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate as PEM (RFC 7468 §5). */
    static String certificatePem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM (RFC 7468 §10), which curl and OpenSSL read. */
    static String privateKeyPem(KeyPair keys) {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /**
     * Writes {@code text} to a new file readable and writable by its owner only (where the file system has POSIX
     * permissions): the file is created with them, never widened after.
     */
    static void writeOwnerOnly(Path file, String text) {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] extension(byte[] oid, byte[] value) {
        return sequence(tagged(0x06, oid), tagged(0x04, value));
    }

    private static byte[] utcTime(Instant instant) {
        return tagged(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bitString(byte[] bytes) {
        byte[] content = new byte[bytes.length + 1]; // leading 0: no unused bits
        System.arraycopy(bytes, 0, content, 1, bytes.length);
        return tagged(0x03, content);
    }

    private static byte[] sequence(byte[]... parts) {
        return tagged(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tagged(0x31, concat(parts));
    }

    /** One DER element: tag, definite length (X.690 §8.1.3), content. */
    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82); // a demo certificate is far below 64 KiB
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] oid(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
