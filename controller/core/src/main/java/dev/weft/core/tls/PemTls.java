package dev.weft.core.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS from PEM files as {@code ovs-pki} makes them: a private key (PKCS#8, "BEGIN PRIVATE KEY"),
 * its certificate, and optionally a CA certificate that every peer must present a certificate
 * signed by (mutual authentication).
 *
 * @param privateKey    PEM private key
 * @param certificate   PEM certificate (chain) for the key
 * @param caCertificate PEM CA certificate(s) that sign the peers' certificates; empty: peers
 *                      are not asked for a certificate
 */
public record PemTls(Path privateKey, Path certificate, Optional<Path> caCertificate) {

    public PemTls {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(caCertificate, "caCertificate");
    }

    /**
     * A server context; with a CA, a peer without a certificate signed by it fails the TLS
     * handshake. Throws {@link IllegalArgumentException} naming the file that is missing or
     * unreadable, never echoing key material.
     */
    public SslContext serverContext() {
        readable("private-key", privateKey);
        readable("certificate", certificate);
        caCertificate.ifPresent(ca -> readable("ca-certificate", ca));
        try {
            SslContextBuilder b = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                    .sslProvider(SslProvider.JDK);
            if (caCertificate.isPresent()) {
                b.trustManager(caCertificate.get().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS key " + privateKey + " with certificate "
                    + certificate + caCertificate.map(c -> " and CA " + c).orElse("") + ": " + rootMessage(e), e);
        }
    }

    private static void readable(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + ": no such file " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + ": cannot read " + file + " (permissions)");
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }
}
