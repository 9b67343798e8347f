package io.scopeenforcer.example;

import io.scopeenforcer.example.issuer.DemoClients;
import io.scopeenforcer.example.issuer.DevIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What {@code --tls} makes at each start, never a file of the repository: a self-signed server certificate for
 * {@code localhost} (its key stays in memory) and the demo client certificate of {@code mtls-client}, written with
 * its key to a new owner-only directory printed at start-up ({@value #SERVER_CERTIFICATE} for curl's
 * {@code --cacert}, {@value #CLIENT_CERTIFICATE} and {@value #CLIENT_KEY} for {@code --cert} and {@code --key}) and
 * deleted when the app stops.
 *
 * <p>The server asks for a client certificate (wanted, not needed: a bearer client connects without one) and
 * accepts any, unchecked, as RFC 8705 §2.2 {@code self_signed_tls_client_auth} has it: TLS proves only that the
 * client holds the certificate's key. Nothing trusts a certificate for who it names; the development issuer
 * authenticates {@code mtls-client} by the exact certificate registered for it, and a certificate-bound token is
 * accepted only with the certificate of its {@code x5t#S256} (RFC 8705 §3).
 */
final class DemoTls {

    static final String SERVER_CERTIFICATE = "server.pem";
    static final String CLIENT_CERTIFICATE = "client.pem";
    static final String CLIENT_KEY = "client-key.pem";
    /** The development issuer's public keys, which the filter reads from this file under {@code --tls}. */
    static final String ISSUER_KEYS = "jwks.json";

    private final Path directory;
    private final SSLContext context;
    private final X509Certificate clientCertificate;

    private DemoTls(Path directory, SSLContext context, X509Certificate clientCertificate) {
        this.directory = directory;
        this.context = context;
        this.clientCertificate = clientCertificate;
    }

    /** Makes the certificates and writes the PEM files into a new temporary directory. */
    static DemoTls create() {
        Instant now = Instant.now();
        DemoCertificates.Issued server = DemoCertificates.server(now);
        DemoCertificates.Issued client = DemoCertificates.client(DemoClients.MTLS_CLIENT.clientId(), now);
        Path directory;
        try {
            directory = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir")))
                    .supportsFileAttributeView("posix")
                    ? Files.createTempDirectory("scope-enforcer-tls-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("scope-enforcer-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the demo certificates: " + e.getMessage(), e);
        }
        DemoCertificates.writeOwnerOnly(directory.resolve(SERVER_CERTIFICATE),
                DemoCertificates.certificatePem(server.certificate()));
        DemoCertificates.writeOwnerOnly(directory.resolve(CLIENT_CERTIFICATE),
                DemoCertificates.certificatePem(client.certificate()));
        DemoCertificates.writeOwnerOnly(directory.resolve(CLIENT_KEY), DemoCertificates.privateKeyPem(client.keys()));
        // A second chance at exit, after the shutdown hooks, files before their directory (reverse order).
        directory.toFile().deleteOnExit();
        for (String name : List.of(SERVER_CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY, ISSUER_KEYS)) {
            directory.resolve(name).toFile().deleteOnExit();
        }
        return new DemoTls(directory, serverContext(server), client.certificate());
    }

    /** The directory of the PEM files. */
    Path directory() {
        return directory;
    }

    /** RFC 8705 §3.1 thumbprint of the demo client certificate, which the development issuer registers. */
    String clientThumbprint() {
        return DevIssuer.certificateThumbprint(clientCertificate);
    }

    /**
     * Writes the development issuer's public JWK set beside the certificates, for the filter's {@code jwks-file}: the
     * JVM does not trust the demo server certificate, so the filter could not fetch the keys from this app's own
     * {@code https} JWKS URI.
     */
    Path writeIssuerKeys(String jwksJson) {
        Path file = directory.resolve(ISSUER_KEYS);
        DemoCertificates.writeOwnerOnly(file, jwksJson);
        return file;
    }

    /** Jetty's TLS settings: this server key, any client certificate wanted and accepted. */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setSslContext(context);
        factory.setWantClientAuth(true);
        return factory;
    }

    /** Deletes the PEM files and their directory, as far as it can. */
    void delete() {
        try {
            for (String name : List.of(SERVER_CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY, ISSUER_KEYS)) {
                Files.deleteIfExists(directory.resolve(name));
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // Stopping anyway: an owner-only demo certificate left in the temp directory opens nothing once the app
            // (which registered it for this run only) is gone.
        }
    }

    private static SSLContext serverContext(DemoCertificates.Issued server) {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", server.keys().getPrivate(), password,
                    new Certificate[] {server.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new AnyClientCertificate()}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Accepts every client certificate without a chain check (RFC 8705 §2.2): the binding checks compare exact
     * thumbprints, and an empty list of accepted issuers lets a client send whichever certificate it has.
     * Trusts no server: the app is never a TLS client with this context.
     */
    private static final class AnyClientCertificate extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the demo TLS context trusts no server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the demo TLS context trusts no server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the demo TLS context trusts no server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
